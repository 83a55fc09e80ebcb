// What the parser made of one [HeapConfig] class. The heap model is kept apart from the
// diagnostics and the identity (which carry locations), so moving a heap's text does not re-emit it.
namespace Heapsmith.Generators.Model;

/// <summary>A heap to emit (or null), its diagnostics, and its identity for the duplicate-name check.</summary>
internal sealed record ParseResult(HeapSpec? Heap, EquatableArray<DiagnosticInfo> Diagnostics, HeapIdentity? Identity)
{
    public static ParseResult Nothing { get; } = new(null, EquatableArray<DiagnosticInfo>.Empty, null);
}

/// <summary>A heap's name and where it is declared, to warn about two heaps of one name in one namespace.</summary>
internal sealed record HeapIdentity(string Namespace, string Name, string FullName, LocationInfo? Location);
