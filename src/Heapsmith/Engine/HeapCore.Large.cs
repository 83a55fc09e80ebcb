using System;
using System.Runtime.CompilerServices;
using Heapsmith.Os;

namespace Heapsmith.Engine;

// Large blocks (MaxSmallSize < size <= LargeMax): a run of whole page units inside a normal
// segment, the block at the run's first byte, so the block is unit aligned. Realloc resizes a run
// in place: shrinking frees the tail units, growing takes the free span right after it.
//
// Huge blocks (above LargeMax, or aligned beyond a page unit): a mapping of their own, whose header
// is a segment header at (block - 1) & ~SegmentMask. Its one descriptor has Kind == Huge.
//
// The usable size of both is GoodSize(request): the request rounded up to whole OS pages.
internal sealed unsafe partial class HeapCore<TSpec>
{
    /// <summary>Beyond this a mapping cannot exist (user address spaces are 47–48 bits): refused without asking the OS.</summary>
    private const ulong MaxMappable = 1UL << 47;

    private long _largeAllocs;
    private long _largeFrees;

    /// <summary>A large block, or null when the OS refuses; <paramref name="zero"/> tells whether it reads as zero.</summary>
    public void* TryAllocLarge(nuint size, out bool zero)
    {
        var good = GoodSize(size);
        var units = (int)((good + SegmentLayout<TSpec>.UnitSize - 1) >> TSpec.PageShift);
        using var scope = Lock();
        var span = AllocSpanGrowingLocked(units);
        if (span == null)
        {
            zero = false;
            return null;
        }

        var segment = SegmentLayout<TSpec>.SegmentOfDescriptor(span);
        var start = SegmentLayout<TSpec>.UnitIndexOf(span);
        zero = UnitsAreZero(segment, start, units);
        span->Kind = PageKind.Large;
        span->BlockSize = good;
        span->Start = SegmentLayout<TSpec>.UnitAddress(segment, start);
        span->Heap = null;
        _largeAllocs++;
        return span->Start;
    }

    /// <summary>Frees a large block.</summary>
    public void FreeLarge(Page* page)
    {
        using var scope = Lock();
        _largeFrees++;
        FreeSpanLocked(page);
    }

    /// <summary>
    /// Resizes a large block to <paramref name="newSize"/> (a large size) when its run already has
    /// the units: only the owner of the block changes them, so no lock. False when the unit count
    /// would change.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryResizeLargeWithinUnits(Page* page, nuint newSize)
    {
        var good = GoodSize(newSize);
        if ((int)((good + SegmentLayout<TSpec>.UnitSize - 1) >> TSpec.PageShift) != page->SpanUnits)
        {
            return false;
        }

        page->BlockSize = good;
        return true;
    }

    /// <summary>Resizes a large block in place to hold <paramref name="newSize"/> (a large size); false when it cannot.</summary>
    public bool TryResizeLarge(Page* page, nuint newSize)
    {
        var good = GoodSize(newSize);
        var units = (int)((good + SegmentLayout<TSpec>.UnitSize - 1) >> TSpec.PageShift);
        if (units == page->SpanUnits)
        {
            // The run already fits: only its owner (the caller) changes its units, so no lock. A
            // buffer growing by small steps stays here for a whole page unit of growth.
            page->BlockSize = good;
            return true;
        }

        using var scope = Lock();
        var segment = SegmentLayout<TSpec>.SegmentOfDescriptor(page);
        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        var start = SegmentLayout<TSpec>.UnitIndexOf(page);
        var current = page->SpanUnits;
        if (units < current)
        {
            for (var u = start + units; u < start + current; u++)
            {
                pages[u].Zero = 0;
            }

            segment->UsedUnits -= current - units;
            page->SpanUnits = units;
            var now = Environment.TickCount64;
            SchedulePurgeLocked(InsertFreeSpan(segment, start + units, current - units, now), now);
        }
        else if (units > current)
        {
            var nextIndex = start + current;
            if (nextIndex >= SegmentLayout<TSpec>.Units)
            {
                return false;
            }

            var next = &pages[nextIndex];
            var extra = units - current;
            if (next->Kind != PageKind.Free || next->SpanUnits < extra)
            {
                return false;
            }

            var nextUnits = next->SpanUnits;
            var freedAt = next->FreedAtMs;
            RemoveFromBin(next);
            next->Kind = PageKind.None;
            if (nextUnits > extra)
            {
                InsertFreeSpan(segment, nextIndex + extra, nextUnits - extra, freedAt);
            }

            if (!CommitUnitsLocked(segment, nextIndex, extra))
            {
                InsertFreeSpan(segment, nextIndex, extra, freedAt);
                return false;
            }

            for (var u = nextIndex; u < nextIndex + extra; u++)
            {
                pages[u].StartUnit = start;
            }

            segment->UsedUnits += extra;
            page->SpanUnits = units;
        }

        page->BlockSize = good;
        return true;
    }

    /// <summary>
    /// A huge block aligned to <paramref name="alignment"/> (a power of two, at least the heap's
    /// alignment) in a mapping of its own, or null when the memory limit or the OS refuses or the size cannot be mapped.
    /// </summary>
    public void* TryAllocHuge(nuint size, nuint alignment)
    {
        var good = GoodSize(size);
        var segmentSize = SegmentLayout<TSpec>.SegmentSize;
        nuint mappingAlignment, blockOffset, headerOffset;
        if (alignment < segmentSize)
        {
            mappingAlignment = segmentSize;
            blockOffset = (SegmentLayout<TSpec>.HeaderBytes + alignment - 1) & ~(alignment - 1);
            headerOffset = 0;
        }
        else
        {
            // The block sits on a segment boundary; its header fills the segment just below it.
            mappingAlignment = alignment;
            blockOffset = alignment;
            headerOffset = alignment - segmentSize;
        }

        const nuint osPageMask = OsMemory.OsPageSize - 1;
        if ((ulong)good > MaxMappable - blockOffset - osPageMask)
        {
            return RefusedByOs<byte>();
        }

        var mappingSize = (blockOffset + good + osPageMask) & ~osPageMask;
        using (Lock())
        {
            // Counted before the mapping exists, so two threads cannot both pass the limit.
            if (!MayCommitLocked(mappingSize))
            {
                return null;
            }

            _reservedBytes += (long)mappingSize;
        }

        var mapping = (byte*)OsMemory.Reserve(TSpec.Backend, mappingSize, mappingAlignment);
        if (mapping == null)
        {
            using (Lock())
            {
                _reservedBytes -= (long)mappingSize;
            }

            return RefusedByOs<byte>();
        }

        var segment = (Segment*)(mapping + headerOffset);
        segment->HeapId = Id;
        segment->Kind = SegmentKind.Huge;
        segment->MappingBase = mapping;
        segment->MappingSize = mappingSize;
        var block = mapping + blockOffset;
        var unit = (int)(((nuint)block - (nuint)segment) >> TSpec.PageShift);
        var page = &SegmentLayout<TSpec>.PagesOf(segment)[unit];
        page->Kind = PageKind.Huge;
        page->StartUnit = unit;
        page->BlockSize = good;
        page->Start = block;
        segment->HugePage = page;
        using var scope = Lock();
        if (!SegmentMap<TSpec>.TryAdd(segment))
        {
            OsMemory.Release(TSpec.Backend, mapping, mappingSize);
            _reservedBytes -= (long)mappingSize;
            return RefusedByOs<byte>();
        }

        segment->Next = _hugeSegments;
        if (_hugeSegments != null)
        {
            _hugeSegments->Prev = segment;
        }

        _hugeSegments = segment;
        _largeAllocs++;
        return block;
    }

    /// <summary>Bytes a huge block can grow to in place.</summary>
    public static nuint HugeCapacity(Page* page)
    {
        var segment = SegmentLayout<TSpec>.SegmentOfDescriptor(page);
        return (nuint)(segment->MappingBase + segment->MappingSize - page->Start);
    }

    /// <summary>Unmaps a huge block.</summary>
    public void FreeHuge(Page* page)
    {
        var segment = SegmentLayout<TSpec>.SegmentOfDescriptor(page);
        using var scope = Lock();
        UnlinkSegment(ref _hugeSegments, segment);
        _reservedBytes -= (long)segment->MappingSize;
        _largeFrees++;
        SegmentMap<TSpec>.Remove(segment);
        OsMemory.Release(TSpec.Backend, segment->MappingBase, segment->MappingSize);
    }

    /// <summary>The size Alloc(size) provides: the class size, or whole OS pages above MaxSmallSize.</summary>
    public static nuint GoodSize(nuint size)
    {
        if (size <= (nuint)TSpec.MaxSmallSize)
        {
            return (nuint)TSpec.BlockSize(TSpec.SizeClassOf(size));
        }

        const nuint osPageMask = OsMemory.OsPageSize - 1;
        return size > (nuint.MaxValue & ~osPageMask) ? size : (size + osPageMask) & ~osPageMask;
    }
}
