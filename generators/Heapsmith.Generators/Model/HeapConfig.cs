// The values of one [HeapConfig], defaults filled in, validated by the parser before planning.
namespace Heapsmith.Generators.Model;

/// <summary>
/// The attribute's values, defaults filled in; <c>Backend</c> is the <c>HeapBackend</c> value
/// (0 Mmap, 1 Brk, 2 NativeMemory) and <c>Checks</c> the <c>HeapChecks</c> flags, as integers
/// because the generator cannot reference the runtime's enums.
/// </summary>
internal sealed record HeapConfig(
    int MinBlockSize,
    int MaxSmallSize,
    int ClassesPerDoubling,
    EquatableArray<int> SizeClasses,
    bool HasExplicitSizeClasses,
    int Alignment,
    int PageSize,
    int SegmentSize,
    bool ThreadSafe,
    int Backend,
    int Checks,
    int PurgeDelayMs,
    long MemoryLimit = 0)
{
    /// <summary>The configuration with every property at its default.</summary>
    public static HeapConfig Default { get; } = new(
        HeapDefaults.MinBlockSize, HeapDefaults.MaxSmallSize, HeapDefaults.ClassesPerDoubling,
        EquatableArray<int>.Empty, false, HeapDefaults.Alignment, HeapDefaults.PageSize, HeapDefaults.SegmentSize,
        true, 0, 0, HeapDefaults.PurgeDelayMs);
}
