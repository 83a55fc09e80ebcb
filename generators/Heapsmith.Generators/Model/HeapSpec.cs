// The generator's model of one heap: plain, equatable data (no symbols, no syntax, no locations),
// so an edit that does not change a heap's class or attribute leaves its output cached.
namespace Heapsmith.Generators.Model;

/// <summary>Everything the emitter needs about one heap, parsed from its class and [HeapConfig].</summary>
internal sealed record HeapSpec(
    HeapTypeInfo Type,
    HeapConfig Config,
    SizeClassPlan Plan);
