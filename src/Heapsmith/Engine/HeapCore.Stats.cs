using System.Collections.Immutable;

namespace Heapsmith.Engine;

// GetStats: sums the counters the fast paths keep per thread heap (allocations, frees) with the
// core's own (large and huge blocks, retired heaps, frees by threads without a heap), and walks
// the spans of every segment for the bytes and blocks in use.
//
// Exact when the heap is quiescent; while other threads run, a block freed by another thread is
// counted as in use until its page's owner collects the free (it is counted in Frees at once).
internal sealed unsafe partial class HeapCore<TSpec>
{
    /// <summary>A snapshot of the heap's counters.</summary>
    public HeapStats GetStats()
    {
        using var scope = Lock();
        var live = new long[TSpec.SizeClassCount];
        long inUse = 0;
        var units = SegmentLayout<TSpec>.Units;
        for (var segment = _segments; segment != null; segment = segment->Next)
        {
            var pages = SegmentLayout<TSpec>.PagesOf(segment);
            for (var u = SegmentLayout<TSpec>.HeaderUnits; u < units; u += pages[u].SpanUnits)
            {
                var page = &pages[u];
                if (page->Kind == PageKind.Small)
                {
                    live[page->SizeClass] += page->Used;
                    inUse += page->Used * (long)page->BlockSize;
                }
                else if (page->Kind == PageKind.Large)
                {
                    inUse += (long)page->BlockSize;
                }
            }
        }

        for (var segment = _hugeSegments; segment != null; segment = segment->Next)
        {
            inUse += (long)segment->HugePage->BlockSize;
        }

        long allocs = _largeAllocs + _retiredAllocs;
        long frees = _largeFrees + _retiredFrees + _heaplessFrees;
        for (var i = 0; i < _threads.Count; i++)
        {
            allocs += _threads[i].Heap->Allocs;
            frees += _threads[i].Heap->Frees;
        }

        return new HeapStats(
            BytesInUse: inUse,
            BytesCommitted: _reservedBytes - _purgedBytes,
            BytesReserved: _reservedBytes,
            Allocations: allocs,
            Frees: frees,
            BytesPurged: _purgedTotal,
            LiveBlocksBySizeClass: ImmutableArray.Create(live));
    }

    /// <summary>Small pages handed out to thread heaps or abandoned (tests: which pages Trim took).</summary>
    internal int SmallPageCount()
    {
        using var scope = Lock();
        var count = 0;
        var units = SegmentLayout<TSpec>.Units;
        for (var segment = _segments; segment != null; segment = segment->Next)
        {
            var pages = SegmentLayout<TSpec>.PagesOf(segment);
            for (var u = SegmentLayout<TSpec>.HeaderUnits; u < units; u += pages[u].SpanUnits)
            {
                count += pages[u].Kind == PageKind.Small ? 1 : 0;
            }
        }

        return count;
    }
}
