using System;
using System.Threading;
using Heapsmith.Os;

namespace Heapsmith.Engine;

// Purging: giving the physical memory of free units back to the OS while keeping the address
// range. A freed span is purged at once (PurgeDelayMs == 0), after PurgeDelayMs by the next free of
// a span (a page, a large block) or growth by a segment that finds the deadline passed (> 0; no
// background thread, as in mimalloc), or never (-1) except by Trim. Taking a span does not run the
// due purges: a program that pauses longer than the delay and then allocates again would otherwise
// purge the very spans it is about to take, then fault them back (issue 13: the random batch went
// 0.05 -> 0.22 of tcmalloc). A span is due PurgeDelayMs after it was freed, coalesced spans after
// the later of the two. Only dirty units are purged (a unit that reads as zero has nothing to give
// back). Purged units are committed again when a span containing them is handed out.
//
// Trim purges every free span now, reclaims abandoned pages, and releases wholly free segments
// beyond the reserve; Release (arena Dispose) unmaps everything at once.
internal sealed unsafe partial class HeapCore<TSpec>
{
    /// <summary>Earliest time a delayed purge is due; long.MaxValue when none is pending.</summary>
    private long _purgeDueMs = long.MaxValue;

    private void SchedulePurgeLocked(Page* span, long now)
    {
        if (TSpec.PurgeDelayMs == 0)
        {
            PurgeSpanLocked(span);
        }
        else if (TSpec.PurgeDelayMs > 0 && _purgeDueMs == long.MaxValue)
        {
            _purgeDueMs = now + TSpec.PurgeDelayMs;
        }
        else
        {
            // A free past the deadline runs the due purges (the span just freed is not yet due).
            PurgeIfDueLocked(now);
        }
    }

    private void PurgeIfDueLocked(long now)
    {
        if (TSpec.PurgeDelayMs > 0 && now >= _purgeDueMs)
        {
            PurgeFreeSpansLocked(now, force: false);
        }
    }

    /// <summary>Purges free spans freed at least PurgeDelayMs ago (all of them when <paramref name="force"/>).</summary>
    private void PurgeFreeSpansLocked(long now, bool force)
    {
        _purgeDueMs = long.MaxValue;
        for (var bin = 0; bin < _spanBins.Length; bin++)
        {
            for (var span = _spanBins[bin].First; span != null; span = span->Next)
            {
                var due = span->FreedAtMs + Math.Max(TSpec.PurgeDelayMs, 0);
                if (force || due <= now)
                {
                    PurgeSpanLocked(span);
                }
                else if (SpanIsDirty(span))
                {
                    _purgeDueMs = Math.Min(_purgeDueMs, due);
                }
            }
        }
    }

    private static bool SpanIsDirty(Page* span)
    {
        var segment = SegmentLayout<TSpec>.SegmentOfDescriptor(span);
        return !UnitsAreZero(segment, SegmentLayout<TSpec>.UnitIndexOf(span), span->SpanUnits);
    }

    /// <summary>Returns the dirty units of a free span to the OS, in as few calls as there are runs.</summary>
    private void PurgeSpanLocked(Page* span)
    {
        var segment = SegmentLayout<TSpec>.SegmentOfDescriptor(span);
        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        var start = SegmentLayout<TSpec>.UnitIndexOf(span);
        var end = start + span->SpanUnits;
        var u = start;
        while (u < end)
        {
            if (pages[u].Zero != 0)
            {
                u++;
                continue;
            }

            var run = u;
            while (run < end && pages[run].Zero == 0)
            {
                run++;
            }

            var bytes = (nuint)(run - u) << TSpec.PageShift;
            OsMemory.Purge(TSpec.Backend, SegmentLayout<TSpec>.UnitAddress(segment, u), bytes);
            for (; u < run; u++)
            {
                pages[u].Zero = 1;
                if (pages[u].Purged == 0)
                {
                    pages[u].Purged = 1;
                    segment->PurgedUnits++;
                    _purgedBytes += (long)SegmentLayout<TSpec>.UnitSize;
                }
            }

            _purgedTotal += (long)bytes;
        }
    }

    /// <summary>
    /// Gives back everything free: reclaims abandoned pages, purges every free span, and releases
    /// wholly free segments beyond the reserve. The caller has already returned its own empty pages.
    /// </summary>
    public void Trim()
    {
        using var scope = Lock();
        if (TSpec.ThreadSafe)
        {
            ScanEndedThreadsLocked();
        }

        ReclaimAbandonedLocked();
        var segment = _segments;
        while (segment != null && _emptySegments > SegmentReserve)
        {
            var next = segment->Next;
            if (segment->UsedUnits == 0)
            {
                ReleaseSegmentLocked(segment);
            }

            segment = next;
        }

        PurgeFreeSpansLocked(Environment.TickCount64, force: true);
    }

    /// <summary>Whether <see cref="Release"/> ran.</summary>
    public bool IsReleased => Volatile.Read(ref _released);

    /// <summary>Unmaps every segment, huge mapping and thread heap at once (arena Dispose). Idempotent.</summary>
    public void Release()
    {
        using var scope = Lock();
        if (_released)
        {
            return;
        }

        Volatile.Write(ref _released, true);
        ReleaseList(ref _segments);
        ReleaseList(ref _hugeSegments);
        for (var i = 0; i < _threads.Count; i++)
        {
            var heap = _threads[i].Heap;
            OsMemory.Release(TSpec.Backend, heap, (nuint)heap->MemorySize);
        }

        _threads.Clear();
        for (var heap = _recycledHeaps; heap != null;)
        {
            var next = heap->NextFree;
            OsMemory.Release(TSpec.Backend, heap, (nuint)heap->MemorySize);
            heap = next;
        }

        _recycledHeaps = null;
        Array.Clear(_spanBins);
        Array.Clear(_abandoned);
        _abandonedCount = 0;
        _emptySegments = 0;
        _reservedBytes = 0;
        _purgedBytes = 0;
    }

    private static void ReleaseList(ref Segment* list)
    {
        while (list != null)
        {
            var segment = list;
            list = segment->Next;
            SegmentMap<TSpec>.Remove(segment);
            OsMemory.Release(TSpec.Backend, segment->MappingBase, segment->MappingSize);
        }
    }
}
