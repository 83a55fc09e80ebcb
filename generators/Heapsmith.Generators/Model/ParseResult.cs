namespace Heapsmith.Generators.Model;

/// <summary>What the parser made of one [HeapConfig] class: a heap to emit, diagnostics, or both.</summary>
internal sealed record ParseResult(HeapSpec? Heap, EquatableArray<DiagnosticInfo> Diagnostics);
