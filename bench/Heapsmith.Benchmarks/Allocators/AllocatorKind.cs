namespace Heapsmith.Benchmarks.Allocators;

/// <summary>
/// The allocators the suite knows, as a BenchmarkDotNet parameter. The names are stable: the
/// report script (scripts/bench-report) keys its tables on them.
/// </summary>
public enum AllocatorKind
{
    /// <summary>Minimal thread-local power-of-two free-list cache in C# (<see cref="FreeListBaseline"/>): the C# bound.</summary>
    Baseline,

    /// <summary>glibc malloc through [SuppressGCTransition] function pointers (the cheapest way).</summary>
    Glibc,

    /// <summary>mimalloc (libmimalloc.so.2) through [SuppressGCTransition] function pointers.</summary>
    Mimalloc,

    /// <summary>jemalloc (libjemalloc.so.2) through [SuppressGCTransition] function pointers.</summary>
    Jemalloc,

    /// <summary>tcmalloc (libtcmalloc_minimal.so.4) through [SuppressGCTransition] function pointers.</summary>
    Tcmalloc,

    /// <summary>glibc malloc through [LibraryImport] (a user's P/Invoke, with the GC transition).</summary>
    GlibcPInvoke,

    /// <summary>mimalloc through [LibraryImport].</summary>
    MimallocPInvoke,

    /// <summary>jemalloc through [LibraryImport].</summary>
    JemallocPInvoke,

    /// <summary>tcmalloc through [LibraryImport].</summary>
    TcmallocPInvoke,

    /// <summary>Heapsmith, default configuration.</summary>
    Heapsmith,

    /// <summary>Heapsmith, <c>ThreadSafe = false</c>.</summary>
    HeapsmithUnsync,

    /// <summary>Heapsmith, powers-of-two size classes.</summary>
    HeapsmithPow2,

    /// <summary>Heapsmith, a thread-safe instance heap (arena) of the default configuration.</summary>
    HeapsmithArena,
}
