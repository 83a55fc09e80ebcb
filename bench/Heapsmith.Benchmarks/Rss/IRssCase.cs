using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Rss;

/// <summary>
/// A workload whose figure is resident memory, not time. Each runs alone in a fresh process per
/// allocator (see <see cref="RssMode"/>), so allocators never share a heap or a page cache.
/// </summary>
internal interface IRssCase
{
    /// <summary>The case's stable name (the report keys on it).</summary>
    string Name { get; }

    /// <summary>Whether blocks cross threads (single-threaded allocators are left out).</summary>
    bool MultiThreaded { get; }

    /// <summary>Prepares, calls <see cref="RssRecorder.Start"/>, runs and records its phases.</summary>
    void Run(AllocatorKind allocator, RssRecorder recorder, bool quick);
}
