// The generator's model of one heap: plain, equatable data (no symbols, no syntax, no locations),
// so an edit that does not change a heap's class or attribute leaves its output cached.
namespace Heapsmith.Generators.Model;

/// <summary>Everything the emitter needs about one heap, parsed from its class and [HeapConfig].</summary>
/// <param name="Type">Where the class lives and how to re-declare it.</param>
/// <param name="Config">The attribute's values.</param>
/// <param name="Plan">Size classes, page geometry and lookup planned from <paramref name="Config"/>.</param>
/// <param name="IsStandIn">The attribute has errors; this is the default configuration standing in so uses of the heap still bind.</param>
internal sealed record HeapSpec(
    HeapTypeInfo Type,
    HeapConfig Config,
    SizeClassPlan Plan,
    bool IsStandIn = false);
