using System;
using System.Collections.Generic;
using System.Threading;
using Heapsmith.Os;

namespace Heapsmith.Engine;

// The shared state of one heap (the static heap of a spec, or one arena): its segments, the free
// spans of units inside them (in bins by size), huge mappings, abandoned pages, the registry of
// thread heaps, and the counters GetStats sums. Everything here runs on slow paths under one lock
// (no lock at all when the spec is not thread safe); the alloc/free fast paths never come here.
//
// Files: HeapCore.cs (fields, lock, segments), HeapCore.Spans.cs (span bins, split, coalesce),
// HeapCore.Pages.cs (small pages, thread heaps, abandonment), HeapCore.Large.cs (large runs, huge
// mappings), HeapCore.Purge.cs (purge, trim, release), HeapCore.TrimThreads.cs (trim of other
// threads' heaps), HeapCore.Stats.cs (GetStats), HeapCore.Limit.cs (the memory limit), HeapCore.Walk.cs
// (live blocks: VisitBlocks, the canary check of Dispose, ReportLeaks), HeapCore.Validate.cs (every
// invariant checked); HeapMetrics.cs reports GetStats of every live heap to the "Heapsmith" Meter.
//
// Invariants:
// - Every segment in _segments is marked in the segment map and has HeapId == Id; every free unit
//   of it is in exactly one free span, and every free span is in the bin of its size.
// - Free spans are coalesced: no two free spans are adjacent.
// - At most SegmentReserve wholly free segments are kept; beyond that they go back to the OS.
// - _reservedBytes counts segments and huge mappings; _purgedBytes the units purged right now.

/// <summary>Shared state and slow paths of one heap.</summary>
internal sealed unsafe partial class HeapCore<TSpec> : IObservedHeap
    where TSpec : struct, IHeapSpec
{
    /// <summary>Wholly free segments kept for reuse instead of going back to the OS.</summary>
    private const int SegmentReserve = 1;

    private static long s_lastId;

    private readonly object _lock = new();
    private Segment* _segments;
    private Segment* _hugeSegments;
    private int _emptySegments;
    private long _reservedBytes;
    private long _purgedBytes;
    private long _purgedTotal;
    private bool _released;

    /// <summary>Creates the shared state of a new heap.</summary>
    public HeapCore()
    {
        Id = Interlocked.Increment(ref s_lastId);
        _spanBins = new PageQueue[BinCount];
        _abandoned = new PageQueue[TSpec.SizeClassCount];
        _threads = new List<ThreadEntry>();
        HeapMetrics.Register(this);
    }

    /// <summary>Unique id of this heap, stamped in each of its segments.</summary>
    public long Id { get; }

    /// <summary>The heap's name, for the metrics' tags.</summary>
    public string HeapName => TSpec.Name;

    /// <summary>Takes the heap lock when the spec is thread safe; dispose to release it.</summary>
    public LockScope Lock() => new(_lock);

    /// <summary>Reserves, maps and links a new normal segment whose usable units form one free span.</summary>
    private Segment* AllocSegmentLocked()
    {
        var size = SegmentLayout<TSpec>.SegmentSize;
        if (!MayCommitLocked(size))
        {
            return null;
        }

        var segment = (Segment*)OsMemory.Reserve(TSpec.Backend, size, size);
        if (segment == null)
        {
            return RefusedByOs<Segment>();
        }

        // The OS hands out zeroed memory: only non-zero fields are written.
        segment->HeapId = Id;
        segment->Kind = SegmentKind.Normal;
        segment->MappingBase = (byte*)segment;
        segment->MappingSize = size;
        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        var units = SegmentLayout<TSpec>.Units;
        var header = SegmentLayout<TSpec>.HeaderUnits;
        pages[0].Kind = PageKind.Header;
        pages[0].SpanUnits = header;
        for (var u = header; u < units; u++)
        {
            pages[u].Zero = 1;
        }

        pages[units].StartUnit = units;
        if (!SegmentMap<TSpec>.TryAdd(segment))
        {
            OsMemory.Release(TSpec.Backend, segment, size);
            return RefusedByOs<Segment>();
        }

        segment->Next = _segments;
        if (_segments != null)
        {
            _segments->Prev = segment;
        }

        _segments = segment;
        _reservedBytes += (long)size;
        _emptySegments++;
        InsertFreeSpan(segment, header, units - header, Environment.TickCount64);
        return segment;
    }

    /// <summary>Unlinks and unmaps a wholly free normal segment.</summary>
    private void ReleaseSegmentLocked(Segment* segment)
    {
        var pages = SegmentLayout<TSpec>.PagesOf(segment);
        RemoveFromBin(&pages[SegmentLayout<TSpec>.HeaderUnits]);
        UnlinkSegment(ref _segments, segment);
        _emptySegments--;
        _reservedBytes -= (long)segment->MappingSize;
        _purgedBytes -= (long)segment->PurgedUnits << TSpec.PageShift;
        SegmentMap<TSpec>.Remove(segment);
        OsMemory.Release(TSpec.Backend, segment->MappingBase, segment->MappingSize);
    }

    private static void UnlinkSegment(ref Segment* list, Segment* segment)
    {
        if (segment->Prev != null)
        {
            segment->Prev->Next = segment->Next;
        }
        else
        {
            list = segment->Next;
        }

        if (segment->Next != null)
        {
            segment->Next->Prev = segment->Prev;
        }
    }

    /// <summary>The heap lock held for a scope; a no-op for heaps that are not thread safe.</summary>
    public readonly ref struct LockScope
    {
        private readonly object _held;

        public LockScope(object held)
        {
            _held = held;
            if (TSpec.ThreadSafe)
            {
                Monitor.Enter(held);
            }
        }

        public void Dispose()
        {
            if (TSpec.ThreadSafe)
            {
                Monitor.Exit(_held);
            }
        }
    }
}
