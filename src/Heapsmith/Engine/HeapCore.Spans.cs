using System;
using System.Diagnostics;
using System.Numerics;
using Heapsmith.Os;

namespace Heapsmith.Engine;

// Free spans of page units inside normal segments: kept in bins by floor(log2(units)), found
// first-fit, split on allocation, coalesced with both neighbours on free. Purged units are
// committed again before a span is handed out. Caller holds the heap lock.
internal sealed unsafe partial class HeapCore<TSpec>
{
    private readonly PageQueue[] _spanBins;

    private static int BinCount => BitOperations.Log2((uint)SegmentLayout<TSpec>.Units) + 1;

    private static int BinOf(int units) => BitOperations.Log2((uint)units);

    private void InsertIntoBin(Page* span) => _spanBins[BinOf(span->SpanUnits)].PushFront(span);

    private void RemoveFromBin(Page* span) => _spanBins[BinOf(span->SpanUnits)].Remove(span);

    /// <summary>
    /// Takes a span of exactly <paramref name="units"/> units (committed) from the free spans, or null
    /// when none is large enough or the OS refuses to commit it again. The span's first descriptor is
    /// returned with StartUnit set on every unit; the caller sets Kind and the rest.
    /// </summary>
    private Page* AllocSpanLocked(int units)
    {
        for (var bin = BinOf(units); bin < _spanBins.Length; bin++)
        {
            for (var span = _spanBins[bin].First; span != null; span = span->Next)
            {
                if (span->SpanUnits >= units)
                {
                    return TakeSpanLocked(span, units);
                }
            }
        }

        return null;
    }

    private Page* TakeSpanLocked(Page* span, int units)
    {
        var segment = SegmentLayout<TSpec>.SegmentOfDescriptor(span);
        var start = SegmentLayout<TSpec>.UnitIndexOf(span);
        var spanUnits = span->SpanUnits;
        var freedAt = span->FreedAtMs;
        RemoveFromBin(span);
        span->Kind = PageKind.None;
        if (spanUnits > units)
        {
            InsertFreeSpan(segment, start + units, spanUnits - units, freedAt);
        }

        if (!CommitUnitsLocked(segment, start, units))
        {
            InsertFreeSpan(segment, start, units, freedAt);
            return null;
        }

        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        for (var u = start; u < start + units; u++)
        {
            pages[u].StartUnit = start;
        }

        if (segment->UsedUnits == 0)
        {
            _emptySegments--;
        }

        segment->UsedUnits += units;
        span->SpanUnits = units;
        span->Next = null;
        span->Prev = null;
        return span;
    }

    /// <summary>Commits the purged units of a range again; false when the memory limit or the OS refuses.</summary>
    private bool CommitUnitsLocked(Segment* segment, int start, int units)
    {
        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        var purged = 0;
        for (var p = start; p < start + units; p++)
        {
            purged += pages[p].Purged;
        }

        if (purged != 0 && !MayCommitLocked((nuint)purged << TSpec.PageShift))
        {
            return false;
        }

        var u = start;
        while (u < start + units)
        {
            if (pages[u].Purged == 0)
            {
                u++;
                continue;
            }

            var run = u;
            while (run < start + units && pages[run].Purged != 0)
            {
                run++;
            }

            var bytes = (nuint)(run - u) << TSpec.PageShift;
            if (!OsMemory.Commit(TSpec.Backend, SegmentLayout<TSpec>.UnitAddress(segment, u), bytes))
            {
                return RefusedByOs<byte>() != null;
            }

            for (; u < run; u++)
            {
                pages[u].Purged = 0;
                segment->PurgedUnits--;
            }

            _purgedBytes -= (long)bytes;
        }

        return true;
    }

    /// <summary>Whether every unit of a range reads as zero (fresh or purged since last use).</summary>
    private static bool UnitsAreZero(Segment* segment, int start, int units)
    {
        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        for (var u = start; u < start + units; u++)
        {
            if (pages[u].Zero == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Gives the units of a small page or large run back: they become dirty (not known zero), join
    /// their free neighbours, and the segment goes back to the OS when it is wholly free and the
    /// reserve is full.
    /// </summary>
    private void FreeSpanLocked(Page* span)
    {
        var segment = SegmentLayout<TSpec>.SegmentOfDescriptor(span);
        var start = SegmentLayout<TSpec>.UnitIndexOf(span);
        var units = span->SpanUnits;
        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        for (var u = start; u < start + units; u++)
        {
            pages[u].Zero = 0;
        }

        segment->UsedUnits -= units;
        var now = Environment.TickCount64;
        var free = InsertFreeSpan(segment, start, units, now);
        if (segment->UsedUnits == 0)
        {
            _emptySegments++;
            if (_emptySegments > SegmentReserve)
            {
                ReleaseSegmentLocked(segment);
                return;
            }
        }

        SchedulePurgeLocked(free, now);
    }

    /// <summary>Makes a range of units a free span, coalesced with free neighbours, in its bin.</summary>
    private Page* InsertFreeSpan(Segment* segment, int start, int units, long freedAt)
    {
        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        var end = start + units;
        Debug.Assert(units >= 1 && start >= SegmentLayout<TSpec>.HeaderUnits && end <= SegmentLayout<TSpec>.Units, "a free span lies in the segment's usable units");
        Debug.Assert(segment->UsedUnits >= 0, "UsedUnits never goes below zero");
        if (end < SegmentLayout<TSpec>.Units && pages[end].Kind == PageKind.Free)
        {
            var next = &pages[end];
            RemoveFromBin(next);
            units += next->SpanUnits;
            freedAt = Math.Max(freedAt, next->FreedAtMs);
            next->Kind = PageKind.None;
        }

        if (start > SegmentLayout<TSpec>.HeaderUnits)
        {
            var previousStart = pages[start - 1].StartUnit;
            var previous = &pages[previousStart];
            if (previous->Kind == PageKind.Free)
            {
                RemoveFromBin(previous);
                units += start - previousStart;
                freedAt = Math.Max(freedAt, previous->FreedAtMs);
                pages[start].Kind = PageKind.None;
                start = previousStart;
            }
        }

        for (var u = start; u < start + units; u++)
        {
            pages[u].StartUnit = start;
        }

        var span = &pages[start];
        span->Kind = PageKind.Free;
        span->SpanUnits = units;
        span->FreedAtMs = freedAt;
        span->Heap = null;
        span->FreeList = null;
        span->ThreadFree = 0;
        span->Used = 0;
        span->InFull = 0;
        span->Abandoned = 0;
        InsertIntoBin(span);
        return span;
    }
}
