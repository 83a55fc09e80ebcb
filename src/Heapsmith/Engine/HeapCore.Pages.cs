using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Heapsmith.Os;

namespace Heapsmith.Engine;

// Small pages and the thread heaps that own them: handing a page to a thread heap (adopting an
// abandoned one of the class first), taking an empty page back, creating and recycling thread
// heaps, and abandoning the pages of a thread that ended so other threads adopt them.
//
// A thread's end is seen two ways: its ThreadExitSentinel's finalizer (after a GC), and a scan of
// the registry for threads that are no longer alive, run whenever a thread heap is created and
// before the heap grows by a segment. Either way runs under the lock and at most once per heap
// generation. Abandoned pages keep their blocks; frees from other threads keep going to their
// thread-free lists, which the adopter (or a reclaim sweep) collects.
internal sealed unsafe partial class HeapCore<TSpec>
{
    private readonly PageQueue[] _abandoned;
    private readonly List<ThreadEntry> _threads;
    private int _abandonedCount;
    private ThreadHeap* _recycledHeaps;
    private long _retiredAllocs;
    private long _retiredFrees;
    private long _retiredPurgedInPages;
    private long _heaplessFrees;

    /// <summary>A small page of class <paramref name="sizeClass"/> for <paramref name="heap"/>, or null when the OS refuses.</summary>
    public Page* AcquireSmallPage(ThreadHeap* heap, int sizeClass)
    {
        using var scope = Lock();
        var now = Environment.TickCount64;
        PurgeIfDueLocked(now);
        if (Volatile.Read(ref _abandonedCount) > 0)
        {
            var adopted = AdoptLocked(heap, sizeClass);
            if (adopted != null)
            {
                return adopted;
            }
        }

        var span = AllocSpanGrowingLocked(TSpec.PageSpan(sizeClass));
        if (span == null)
        {
            return null;
        }

        var segment = SegmentLayout<TSpec>.SegmentOfDescriptor(span);
        Debug.Assert(span->SpanUnits == TSpec.PageSpan(sizeClass), "a small page's span is its class's page span");
        span->Kind = PageKind.Small;
        span->SizeClass = sizeClass;
        span->BlockSize = (nuint)TSpec.BlockSize(sizeClass);
        span->Reserved = TSpec.BlocksPerPage(sizeClass);
        span->Capacity = 0;
        span->Used = 0;
        span->FreeList = null;
        span->ThreadFree = 0;
        span->InFull = 0;
        span->Abandoned = 0;
        span->PurgedMask = 0;
        span->UsedAtPurge = int.MaxValue;
        span->Start = SegmentLayout<TSpec>.UnitAddress(segment, SegmentLayout<TSpec>.UnitIndexOf(span));
        span->Heap = heap;
        return span;
    }

    /// <summary>Takes back a small page with no block in use.</summary>
    public void FreeSmallPage(Page* page)
    {
        // Purged parts of the page are counted by the span's own purge from now on.
        page->PurgedMask = 0;
        using var scope = Lock();
        FreeSpanLocked(page);
        PurgeIfDueLocked(Environment.TickCount64);
    }

    /// <summary>A span of <paramref name="units"/> units, growing the heap by a segment if needed.</summary>
    private Page* AllocSpanGrowingLocked(int units)
    {
        var span = AllocSpanLocked(units);
        if (span != null)
        {
            return span;
        }

        // Before growing: reclaim what ended threads left behind.
        if (TSpec.ThreadSafe)
        {
            ScanEndedThreadsLocked();
        }

        if (ReclaimAbandonedLocked())
        {
            span = AllocSpanLocked(units);
            if (span != null)
            {
                return span;
            }
        }

        return AllocSegmentLocked() == null ? null : AllocSpanLocked(units);
    }

    private Page* AdoptLocked(ThreadHeap* heap, int sizeClass)
    {
        ref var queue = ref _abandoned[sizeClass];
        Page* page;
        while ((page = queue.PopFront()) != null)
        {
            _abandonedCount--;
            page->Abandoned = 0;
            SmallAlloc<TSpec>.CollectThreadFree(page);
            if (page->Used == 0)
            {
                FreeSpanLocked(page);
                continue;
            }

            Debug.Assert(page->Kind == PageKind.Small && page->SizeClass == sizeClass && page->Heap == null, "an abandoned page of the class, with no owner");
            page->Heap = heap;
            return page;
        }

        return null;
    }

    /// <summary>Frees every abandoned page whose blocks were all freed since; true if any was.</summary>
    private bool ReclaimAbandonedLocked()
    {
        var reclaimed = false;
        if (_abandonedCount == 0)
        {
            return false;
        }

        for (var c = 0; c < _abandoned.Length; c++)
        {
            var page = _abandoned[c].First;
            while (page != null)
            {
                var next = page->Next;
                SmallAlloc<TSpec>.CollectThreadFree(page);
                if (page->Used == 0)
                {
                    _abandoned[c].Remove(page);
                    _abandonedCount--;
                    page->Abandoned = 0;
                    FreeSpanLocked(page);
                    reclaimed = true;
                }

                page = next;
            }
        }

        return reclaimed;
    }

    /// <summary>A thread heap for <paramref name="owner"/> (null: the single heap of an arena or non-thread-safe heap).</summary>
    public ThreadHeap* CreateThreadHeap(Thread? owner)
    {
        using var scope = Lock();
        if (TSpec.ThreadSafe)
        {
            ScanEndedThreadsLocked();
        }

        var heap = _recycledHeaps;
        if (heap != null)
        {
            _recycledHeaps = heap->NextFree;
        }
        else
        {
            var bytes = (ThreadHeap.BytesFor(TSpec.SizeClassCount) + OsMemory.OsPageSize - 1) & ~(OsMemory.OsPageSize - 1);
            heap = (ThreadHeap*)OsMemory.Reserve(TSpec.Backend, (nuint)bytes, OsMemory.OsPageSize);
            if (heap == null)
            {
                return RefusedByOs<ThreadHeap>();
            }

            heap->MemorySize = bytes;
        }

        ThreadHeap.Initialize(heap, TSpec.SizeClassCount, heap->MemorySize);
        heap->Live = 1;
        _threads.Add(new ThreadEntry(owner, heap, heap->Generation));
        return heap;
    }

    /// <summary>Abandons the heap of a thread that ended, unless that already happened (called by the exit sentinel).</summary>
    public void AbandonThreadHeap(ThreadHeap* heap, int generation)
    {
        using var scope = Lock();
        for (var i = 0; i < _threads.Count; i++)
        {
            if (_threads[i].Heap == heap && _threads[i].Generation == generation)
            {
                // A trimmer holding the heap's SlowLock defers it to the next scan for ended threads.
                if (TryAbandonHeapLocked(heap))
                {
                    RemoveThreadAt(i);
                }

                return;
            }
        }
    }

    private void ScanEndedThreadsLocked()
    {
        for (var i = _threads.Count - 1; i >= 0; i--)
        {
            var entry = _threads[i];
            if (entry.Owner is { IsAlive: false } && TryAbandonHeapLocked(entry.Heap))
            {
                RemoveThreadAt(i);
            }
        }
    }

    private void RemoveThreadAt(int index)
    {
        _threads[index] = _threads[^1];
        _threads.RemoveAt(_threads.Count - 1);
    }

    /// <summary>
    /// Hands every page of a dead thread's heap to the abandoned lists and recycles the heap; false
    /// (nothing done) while another thread's Trim holds the heap's SlowLock. Its owner is gone, so
    /// no one else can hold it, and the lock is not waited for under the core lock (lock order).
    /// </summary>
    private bool TryAbandonHeapLocked(ThreadHeap* heap)
    {
        if (TSpec.ThreadSafe && !ThreadHeap.TryEnterSlow(heap))
        {
            return false;
        }

        var queues = ThreadHeap.Queues(heap, TSpec.SizeClassCount);
        for (var c = 0; c < TSpec.SizeClassCount; c++)
        {
            Page* page;
            while ((page = queues[c].PopFront()) != null)
            {
                AbandonPageLocked(page);
            }
        }

        Page* full;
        while ((full = heap->Full.PopFront()) != null)
        {
            AbandonPageLocked(full);
        }

        _retiredAllocs += heap->Allocs;
        _retiredFrees += heap->Frees;
        _retiredPurgedInPages += heap->PurgedInPages;
        heap->Live = 0;
        heap->NextFree = _recycledHeaps;
        _recycledHeaps = heap;
        if (TSpec.ThreadSafe)
        {
            ThreadHeap.ExitSlow(heap);
        }

        return true;
    }

    private void AbandonPageLocked(Page* page)
    {
        page->InFull = 0;
        SmallAlloc<TSpec>.CollectThreadFree(page);
        Volatile.Write(ref *(nint*)&page->Heap, 0);
        if (page->Used == 0)
        {
            FreeSpanLocked(page);
            return;
        }

        page->Abandoned = 1;
        _abandoned[page->SizeClass].PushBack(page);
        _abandonedCount++;
    }

    /// <summary>Thread heaps registered and not yet abandoned (tests watch abandonment with it).</summary>
    public int RegisteredHeaps
    {
        get
        {
            using var scope = Lock();
            return _threads.Count;
        }
    }

    /// <summary>Counts a free made by a thread that has no heap of its own.</summary>
    public void CountHeaplessFree()
    {
        if (TSpec.ThreadSafe)
        {
            Interlocked.Increment(ref _heaplessFrees);
        }
        else
        {
            _heaplessFrees++;
        }
    }

    /// <summary>A registered thread heap and the thread it belongs to (null for a single heap).</summary>
    private readonly struct ThreadEntry(Thread? owner, ThreadHeap* heap, int generation)
    {
        public Thread? Owner { get; } = owner;

        public ThreadHeap* Heap { get; } = heap;

        public int Generation { get; } = generation;
    }
}
