using System;

namespace Heapsmith.Engine;

// Validate: walks every segment, span, page and list of the heap and checks the invariants the
// engine's files state in prose (HeapCore.cs, Page.cs, ThreadHeap.cs, PagePurge.cs, FreeLink.cs),
// throwing HeapCorruptionException that names the invariant and where it broke. Runs under the
// core lock and reads every thread heap's lists, so it is exact only while no other thread
// allocates or frees on the heap (as VisitBlocks); it changes nothing.
internal sealed unsafe partial class HeapCore<TSpec>
{
    /// <summary>Throws <see cref="HeapCorruptionException"/> at the first broken invariant; returns the live blocks counted.</summary>
    public long Validate()
    {
        using var scope = Lock();
        long live = 0;
        var freeSpans = 0;
        var emptySegments = 0;
        long reserved = 0;
        for (var segment = _segments; segment != null; segment = segment->Next)
        {
            live += ValidateSegment(segment, ref freeSpans);
            emptySegments += segment->UsedUnits == 0 ? 1 : 0;
            reserved += (long)segment->MappingSize;
            Expect(segment->Next == null || segment->Next->Prev == segment, segment, "segment list: Next->Prev is the segment");
        }

        for (var segment = _hugeSegments; segment != null; segment = segment->Next)
        {
            Expect(segment->Kind == SegmentKind.Huge && segment->HeapId == Id && SegmentMap<TSpec>.Contains(segment), segment, "a huge segment is of this heap and in the segment map");
            var page = segment->HugePage;
            Expect(page != null && page->Kind == PageKind.Huge && page->Start + page->BlockSize <= segment->MappingBase + segment->MappingSize, segment, "a huge block lies inside its mapping");
            reserved += (long)segment->MappingSize;
            live++;
        }

        Expect(emptySegments == _emptySegments, null, $"the count of wholly free segments ({_emptySegments}) matches the segments ({emptySegments})");
        Expect(reserved == _reservedBytes, null, $"reserved bytes ({_reservedBytes}) are the segments' and huge mappings' ({reserved})");
        ValidateSpanBins(freeSpans);
        ValidateThreadHeaps();
        ValidateAbandoned();
        return live;
    }

    private long ValidateSegment(Segment* segment, ref int freeSpans)
    {
        Expect(segment->Kind == SegmentKind.Normal && segment->HeapId == Id, segment, "a segment of the list is a normal segment of this heap");
        Expect(SegmentMap<TSpec>.Contains(segment), segment, "every segment is in the segment map");
        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        var units = SegmentLayout<TSpec>.Units;
        var usedUnits = 0;
        var previousFree = false;
        long live = 0;
        for (var u = SegmentLayout<TSpec>.HeaderUnits; u < units;)
        {
            var span = &pages[u];
            var spanUnits = span->SpanUnits;
            Expect(spanUnits >= 1 && u + spanUnits <= units, span, $"unit {u}: a span has 1 to {units - u} units, not {spanUnits}");
            for (var k = u; k < u + spanUnits; k++)
            {
                Expect(pages[k].StartUnit == u, span, $"unit {k}: StartUnit names its span's first unit {u}");
            }

            switch (span->Kind)
            {
                case PageKind.Free:
                    Expect(!previousFree, span, $"unit {u}: free spans are coalesced (the span before is free too)");
                    freeSpans++;
                    break;
                case PageKind.Small:
                    usedUnits += spanUnits;
                    Expect(span->Start == SegmentLayout<TSpec>.UnitAddress(segment, u), span, $"unit {u}: a page's blocks start at its first unit");
                    live += ValidateSmallPage(span);
                    break;
                case PageKind.Large:
                    usedUnits += spanUnits;
                    Expect(span->Start == SegmentLayout<TSpec>.UnitAddress(segment, u) && span->BlockSize <= (nuint)spanUnits << TSpec.PageShift, span, $"unit {u}: a large block fills its run");
                    live++;
                    break;
                default:
                    Fail(span, $"unit {u}: a span is free, a small page or a large run, not {span->Kind}");
                    break;
            }

            previousFree = span->Kind == PageKind.Free;
            u += spanUnits;
        }

        Expect(usedUnits == segment->UsedUnits, segment, $"UsedUnits ({segment->UsedUnits}) counts the units of pages and runs ({usedUnits})");
        return live;
    }

    /// <summary>A small page's geometry, lists and counts; returns its blocks in use.</summary>
    private static long ValidateSmallPage(Page* page)
    {
        var c = page->SizeClass;
        Expect(c >= 0 && c < TSpec.SizeClassCount, page, $"size class {c} exists");
        Expect(page->BlockSize == (nuint)TSpec.BlockSize(c) && page->Reserved == TSpec.BlocksPerPage(c), page, "a page's block size and block count are its class's");
        Expect(page->Capacity >= 0 && page->Capacity <= page->Reserved, page, $"Capacity {page->Capacity} is within the page's {page->Reserved} blocks");
        var capacity = page->Capacity;
        var size = page->BlockSize;
        var mask = page->PurgedMask;
        Expect((((nuint)capacity * size) >> 12) >= (nuint)(64 - System.Numerics.BitOperations.LeadingZeroCount(mask)), page, "only OS pages inside the carved part are purged");
        var words = (capacity + 63) >> 6;
        Span<ulong> free = words <= StackFreeMapWords ? stackalloc ulong[words] : new ulong[words];
        free.Clear();
        var onLists = ValidateList(page, page->FreeList, free, "FreeList") + ValidateList(page, (void*)page->ThreadFree, free, "ThreadFree");
        var threadFree = 0;
        for (var p = (void*)page->ThreadFree; p != null && threadFree <= capacity; p = FreeLink<TSpec>.Next(page, p))
        {
            threadFree++;
        }

        var purgedOff = 0;
        for (var i = 0; i < capacity; i++)
        {
            if (PagePurge<TSpec>.Touches(i, size, mask))
            {
                Expect((free[i >> 6] & (1UL << i)) == 0, page, $"block {i} on a list lies in a part purged in place");
                purgedOff++;
            }
        }

        // Used counts blocks handed out plus those waiting in ThreadFree.
        var freeListLength = onLists - threadFree;
        Expect(page->Used == capacity - freeListLength - purgedOff, page, $"Used ({page->Used}) is the carved blocks ({capacity}) less those on FreeList ({freeListLength}) and purged ({purgedOff})");
        return page->Used - threadFree;
    }

    /// <summary>Walks a list of <paramref name="page"/>: every link a block of the page, no block twice (nor on both lists); returns its length.</summary>
    private static int ValidateList(Page* page, void* head, Span<ulong> seen, string list)
    {
        var length = 0;
        for (var p = head; p != null; p = FreeLink<TSpec>.Next(page, p))
        {
            Expect(FreeLink<TSpec>.IsBlockOf(page, p), page, $"{list}: link 0x{(nuint)p:x} is a carved block of the page");
            var index = (int)SmallAlloc<TSpec>.BlockIndex(page, (nuint)((byte*)p - page->Start));
            Expect((seen[index >> 6] & (1UL << index)) == 0, page, $"{list}: block {index} is on the page's lists once (a cycle or a double free)");
            seen[index >> 6] |= 1UL << index;
            Expect(length < page->Capacity, page, $"{list}: the list is no longer than the page's carved blocks (acyclic)");
            Expect(!FreeLink<TSpec>.HasKeyRoom(page) || ((nuint*)p)[1] == FreeLink<TSpec>.Key, page, $"{list}: block {index} carries the freed key");
            length++;
        }

        return length;
    }

    private void ValidateSpanBins(int freeSpans)
    {
        var inBins = 0;
        for (var bin = 0; bin < _spanBins.Length; bin++)
        {
            ValidateQueue(ref _spanBins[bin], $"span bin {bin}");
            for (var span = _spanBins[bin].First; span != null; span = span->Next)
            {
                Expect(span->Kind == PageKind.Free && BinOf(span->SpanUnits) == bin, span, $"span bin {bin} holds free spans of its size only");
                inBins++;
            }
        }

        Expect(inBins == freeSpans, null, $"every free span ({freeSpans}) is in a span bin ({inBins})");
    }

    private void ValidateThreadHeaps()
    {
        for (var i = 0; i < _threads.Count; i++)
        {
            var heap = _threads[i].Heap;
            var direct = ThreadHeap.Direct(heap);
            var queues = ThreadHeap.Queues(heap, TSpec.SizeClassCount);
            var pages = 0;
            Expect(heap->Empty.FreeList == null, heap, "a thread heap's Empty page has no free block");
            for (var c = 0; c < TSpec.SizeClassCount; c++)
            {
                ValidateQueue(ref queues[c], $"class {c} queue");
                var first = queues[c].First;
                Expect(direct[c] == (first != null ? first : &heap->Empty), heap, $"Direct[{c}] is its queue's first page, or Empty");
                for (var page = first; page != null; page = page->Next)
                {
                    Expect(page->Kind == PageKind.Small && page->SizeClass == c && page->Heap == heap && page->InFull == 0, page, $"class {c} queue: a small page of the class, owned by the heap, not in Full");
                    pages++;
                }
            }

            ValidateQueue(ref heap->Full, "Full list");
            for (var page = heap->Full.First; page != null; page = page->Next)
            {
                Expect(page->Kind == PageKind.Small && page->Heap == heap && page->InFull == 1, page, "Full list: a small page owned by the heap, marked InFull");
                pages++;
            }

            Expect(pages == heap->PageCount, heap, $"PageCount ({heap->PageCount}) counts the heap's pages ({pages})");
        }
    }

    private void ValidateAbandoned()
    {
        var count = 0;
        for (var c = 0; c < _abandoned.Length; c++)
        {
            ValidateQueue(ref _abandoned[c], $"abandoned class {c}");
            for (var page = _abandoned[c].First; page != null; page = page->Next)
            {
                Expect(page->Kind == PageKind.Small && page->SizeClass == c && page->Heap == null && page->Abandoned == 1, page, $"abandoned class {c}: a small page of the class with no owner");
                count++;
            }
        }

        Expect(count == _abandonedCount, null, $"the abandoned count ({_abandonedCount}) matches the lists ({count})");
    }

    /// <summary>A page queue's links: First has no Prev, each Next's Prev is the page, Last ends it.</summary>
    private static void ValidateQueue(ref PageQueue queue, string name)
    {
        Page* previous = null;
        for (var page = queue.First; page != null; page = page->Next)
        {
            Expect(page->Prev == previous, page, $"{name}: each page's Prev is the page before it");
            previous = page;
        }

        Expect(queue.Last == previous, previous, $"{name}: Last is the last page");
    }

    private static void Expect(bool holds, void* where, string invariant)
    {
        if (!holds)
        {
            Fail(where, invariant);
        }
    }

    private static void Fail(void* where, string invariant) =>
        throw HeapCheck<TSpec>.Misuse(where, $"heap validation failed: {invariant}");
}
