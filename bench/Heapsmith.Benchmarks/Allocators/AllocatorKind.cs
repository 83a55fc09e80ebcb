namespace Heapsmith.Benchmarks.Allocators;

/// <summary>
/// The allocators the suite knows, as a BenchmarkDotNet parameter. The names are stable: the
/// report script (scripts/bench-report) keys its tables on them.
/// </summary>
public enum AllocatorKind
{
    /// <summary>Minimal thread-local free list (<see cref="FreeListBaseline"/>): the pair bound.</summary>
    Baseline,

    /// <summary>glibc malloc through NativeMemory.</summary>
    Glibc,

    /// <summary>mimalloc (libmimalloc.so.2).</summary>
    Mimalloc,

    /// <summary>jemalloc (libjemalloc.so.2).</summary>
    Jemalloc,

    /// <summary>Heapsmith, default configuration.</summary>
    Heapsmith,

    /// <summary>Heapsmith, <c>ThreadSafe = false</c>.</summary>
    HeapsmithUnsync,

    /// <summary>Heapsmith, powers-of-two size classes.</summary>
    HeapsmithPow2,

    /// <summary>Heapsmith, a thread-safe instance heap (arena) of the default configuration.</summary>
    HeapsmithArena,
}
