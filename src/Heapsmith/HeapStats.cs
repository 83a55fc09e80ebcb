using System.Collections.Immutable;

namespace Heapsmith;

/// <summary>A snapshot of a heap's counters, from <c>GetStats()</c>.</summary>
/// <param name="BytesInUse">Bytes in live blocks, at their usable size.</param>
/// <param name="BytesCommitted">Bytes of address space backed by memory (resident or not purged).</param>
/// <param name="BytesReserved">Bytes of address space reserved from the OS.</param>
/// <param name="Allocations">Blocks allocated since the heap was created.</param>
/// <param name="Frees">Blocks freed since the heap was created.</param>
/// <param name="BytesPurged">Bytes handed back to the OS by purging, since the heap was created.</param>
/// <param name="LiveBlocksBySizeClass">Live block count per small size class.</param>
public readonly record struct HeapStats(
    long BytesInUse,
    long BytesCommitted,
    long BytesReserved,
    long Allocations,
    long Frees,
    long BytesPurged,
    ImmutableArray<long> LiveBlocksBySizeClass)
{
    /// <summary>The heap's cap on committed memory in bytes (<c>SetMemoryLimit</c> or <c>[HeapConfig(MemoryLimit)]</c>); 0 when it has none.</summary>
    public long MemoryLimit { get; init; }
}
