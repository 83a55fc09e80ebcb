using System.Collections.Immutable;

namespace Heapsmith.Engine;

// GetStats: sums the counters the fast paths keep per thread heap (allocations, frees) with the
// core's own (large and huge blocks, retired heaps, frees by threads without a heap), and walks
// the spans of every segment for the bytes and blocks in use, per size class and for the large
// and huge blocks (HeapStats.SizeClasses, Large, Huge).
//
// Exact when the heap is quiescent, ended threads included: their heaps are abandoned first, which
// collects the frees other threads made to their pages, and later frees to abandoned pages are
// counted from the pages' thread-free lists (no owner changes those lists under the core lock).
// While other threads run, a block another thread freed to a live owner's page is counted as in
// use until the owner collects the free (it is counted in Frees at once).
internal sealed unsafe partial class HeapCore<TSpec>
{
    /// <summary>A snapshot of the heap's counters.</summary>
    public HeapStats GetStats()
    {
        using var scope = Lock();
        if (TSpec.ThreadSafe)
        {
            ScanEndedThreadsLocked();
        }

        var live = new long[TSpec.SizeClassCount];
        var classes = new SizeClassStats[TSpec.SizeClassCount];
        for (var c = 0; c < classes.Length; c++)
        {
            classes[c] = new SizeClassStats(TSpec.BlockSize(c), 0, 0, 0, 0, 0);
        }

        SizeClassStats large = default, huge = default;
        long inUse = 0;
        long purgedInPages = 0;
        var units = SegmentLayout<TSpec>.Units;
        for (var segment = _segments; segment != null; segment = segment->Next)
        {
            var pages = SegmentLayout<TSpec>.PagesOf(segment);
            for (var u = SegmentLayout<TSpec>.HeaderUnits; u < units; u += pages[u].SpanUnits)
            {
                var page = &pages[u];
                if (page->Kind == PageKind.Small)
                {
                    var used = page->Abandoned != 0 ? page->Used - SmallAlloc<TSpec>.ThreadFreeCount(page, int.MaxValue - 1) : page->Used;
                    live[page->SizeClass] += used;
                    inUse += used * (long)page->BlockSize;
                    var purged = PagePurge<TSpec>.PurgedBytes(page);
                    purgedInPages += purged;
                    var pageBytes = (long)page->SpanUnits << TSpec.PageShift;
                    classes[page->SizeClass] += new SizeClassStats(
                        (long)page->BlockSize, used, 1, used * (long)page->BlockSize, pageBytes - purged, pageBytes - ((long)page->Reserved * (long)page->BlockSize));
                }
                else if (page->Kind == PageKind.Large)
                {
                    inUse += (long)page->BlockSize;
                    var runBytes = (long)page->SpanUnits << TSpec.PageShift;
                    large += new SizeClassStats(0, 1, 1, (long)page->BlockSize, runBytes, runBytes - (long)page->BlockSize);
                }
            }
        }

        for (var segment = _hugeSegments; segment != null; segment = segment->Next)
        {
            var block = (long)segment->HugePage->BlockSize;
            inUse += block;
            huge += new SizeClassStats(0, 1, 1, block, (long)segment->MappingSize, (long)segment->MappingSize - block);
        }

        long allocs = _largeAllocs + _retiredAllocs;
        long frees = _largeFrees + _retiredFrees + _heaplessFrees;
        long purgedTotal = _purgedTotal + _retiredPurgedInPages;
        for (var i = 0; i < _threads.Count; i++)
        {
            allocs += _threads[i].Heap->Allocs;
            frees += _threads[i].Heap->Frees;
            purgedTotal += _threads[i].Heap->PurgedInPages;
        }

        return new HeapStats(
            BytesInUse: inUse,
            BytesCommitted: _reservedBytes - _purgedBytes - purgedInPages,
            BytesReserved: _reservedBytes,
            Allocations: allocs,
            Frees: frees,
            BytesPurged: purgedTotal,
            LiveBlocksBySizeClass: ImmutableArray.Create(live))
        {
            MemoryLimit = MemoryLimit,
            SizeClasses = ImmutableArray.Create(classes),
            Large = large,
            Huge = huge,
        };
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
