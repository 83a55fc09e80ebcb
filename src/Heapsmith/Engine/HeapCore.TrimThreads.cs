using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;

namespace Heapsmith.Engine;

// Trim of other threads' heaps: takes every page of a live thread heap whose blocks are all free
// (Used == 0, or every block in use sits in the page's thread-free list, freed by other threads),
// including the page an idle thread keeps as its class's current (direct) page. Without this, a
// thread that freed everything and went idle would keep up to one page per size class, and a
// producer whose blocks consumers freed would keep all of its pages until it allocated again.
//
// The owner uses no atomics on its fast paths, so the handshake is asymmetric (as in RCU with
// membarrier): the trimmer holds the heap's SlowLock (so no slow path of the owner runs), points
// the Direct entries of drained current pages at the heap's Empty page, issues a process-wide
// memory barrier, then waits for Busy == 0. After that the owner cannot be popping from such a
// page: a pop already in flight has finished, and a later one reads Empty and takes the slow path,
// which waits for the SlowLock. Pages that are not current are never popped by the fast path, and
// a drained page has no block in use, so no free of its owner can touch it (SmallAlloc's rules).
//
// Lock order: a thread heap's SlowLock before the core lock. The trimmer only try-takes SlowLocks
// while it holds the core lock (to see registered heaps that cannot be recycled under it).
internal sealed unsafe partial class HeapCore<TSpec>
{
    /// <summary>Rounds of try-locking heaps whose owners are in a slow path at the moment.</summary>
    private const int TrimLockRounds = 64;

    /// <summary>Longest wait for an owner to leave its alloc fast path (it can be suspended by a GC).</summary>
    private static readonly long BusyWaitTicks = Stopwatch.Frequency / 10;

    /// <summary>
    /// Gives back the pages of every live thread heap except <paramref name="self"/> that hold no
    /// block in use. Thread-safe static heaps only; returns the number of pages taken.
    /// </summary>
    public int TrimThreadHeaps(ThreadHeap* self)
    {
        if (!TSpec.ThreadSafe)
        {
            return 0;
        }

        var locked = LockOtherThreadHeaps(self);
        var taken = 0;
        var released = 0;
        try
        {
            var revoked = false;
            foreach (var heap in locked)
            {
                revoked |= RevokeDrainedCurrentPages((ThreadHeap*)heap);
            }

            if (revoked)
            {
                // Makes the revoked Direct entries visible to every owner before Busy is read, and
                // every owner's Busy store visible here (the owners' side has no fence of its own).
                Interlocked.MemoryBarrierProcessWide();
            }

            // Each heap is let go as soon as its pages are taken: its owner's slow paths wait for
            // this heap only, not for the whole trim.
            for (; released < locked.Count; released++)
            {
                var heap = (ThreadHeap*)locked[released];
                taken += TakeDrainedPages(heap);
                ThreadHeap.ExitSlow(heap);
            }
        }
        finally
        {
            for (; released < locked.Count; released++)
            {
                ThreadHeap.ExitSlow((ThreadHeap*)locked[released]);
            }
        }

        return taken;
    }

    /// <summary>Takes the SlowLock of every registered heap but <paramref name="self"/>, retrying owners that hold it.</summary>
    private List<nint> LockOtherThreadHeaps(ThreadHeap* self)
    {
        var locked = new List<nint>();
        var pending = new List<nint>();
        using (Lock())
        {
            ScanEndedThreadsLocked();
            foreach (var entry in _threads)
            {
                if (entry.Heap != self)
                {
                    pending.Add((nint)entry.Heap);
                }
            }
        }

        var spin = default(SpinWait);
        for (var round = 0; round < TrimLockRounds && pending.Count > 0; round++)
        {
            if (round > 0)
            {
                spin.SpinOnce();
            }

            using var scope = Lock();
            for (var i = pending.Count - 1; i >= 0; i--)
            {
                var heap = (ThreadHeap*)pending[i];

                // Registered now (so not abandoned nor recycled while the core lock is held), and
                // try-locked only: the owner may hold its SlowLock while it waits for the core lock.
                if (!IsRegisteredLocked(heap))
                {
                    pending.RemoveAt(i);
                }
                else if (ThreadHeap.TryEnterSlow(heap))
                {
                    locked.Add((nint)heap);
                    pending.RemoveAt(i);
                }
            }
        }

        // Owners still in a slow path after every round are active: they return their own empty pages.
        return locked;
    }

    private bool IsRegisteredLocked(ThreadHeap* heap)
    {
        foreach (var entry in _threads)
        {
            if (entry.Heap == heap)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Points the Direct entry of each drained current page at Empty; true if any was.</summary>
    private static bool RevokeDrainedCurrentPages(ThreadHeap* heap)
    {
        var direct = ThreadHeap.Direct(heap);
        var revoked = false;
        for (var c = 0; c < TSpec.SizeClassCount; c++)
        {
            var page = direct[c];
            if (page != &heap->Empty && IsDrained(page))
            {
                Volatile.Write(ref *(nint*)&direct[c], (nint)(&heap->Empty));
                revoked = true;
            }
        }

        return revoked;
    }

    /// <summary>
    /// Takes the drained pages of a heap whose SlowLock is held; current pages only if their Direct
    /// entry was revoked and the owner is out of its alloc fast path. Restores Direct afterwards.
    /// </summary>
    private int TakeDrainedPages(ThreadHeap* heap)
    {
        var quiet = WaitUntilNotBusy(heap);
        var direct = ThreadHeap.Direct(heap);
        var queues = ThreadHeap.Queues(heap, TSpec.SizeClassCount);
        var taken = 0;
        for (var c = 0; c < TSpec.SizeClassCount; c++)
        {
            // The first page is the class's current one: off limits unless its Direct entry was
            // revoked and the owner is known to be out of its fast path.
            var current = quiet && direct[c] == &heap->Empty ? null : queues[c].First;
            for (var page = queues[c].First; page != null;)
            {
                var next = page->Next;
                if (page != current && IsDrained(page))
                {
                    queues[c].Remove(page);
                    TakePage(heap, page);
                    taken++;
                }

                page = next;
            }

            var first = queues[c].First;
            Volatile.Write(ref *(nint*)&direct[c], (nint)(first != null ? first : &heap->Empty));
        }

        for (var page = heap->Full.First; page != null;)
        {
            var next = page->Next;
            if (IsDrained(page))
            {
                heap->Full.Remove(page);
                TakePage(heap, page);
                taken++;
            }

            page = next;
        }

        return taken;
    }

    /// <summary>Waits for the owner to leave its alloc fast path; false if it did not within the bound.</summary>
    private static bool WaitUntilNotBusy(ThreadHeap* heap)
    {
        if (Volatile.Read(ref heap->Busy) == 0)
        {
            return true;
        }

        var deadline = Stopwatch.GetTimestamp() + BusyWaitTicks;
        var spin = default(SpinWait);
        while (Volatile.Read(ref heap->Busy) != 0)
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            spin.SpinOnce();
        }

        return true;
    }

    /// <summary>
    /// Whether every block of <paramref name="page"/> in use is in its thread-free list. The count is
    /// read first (acquire: the owner's last free is complete); the list only grows until collected.
    /// </summary>
    private static bool IsDrained(Page* page)
    {
        var used = Volatile.Read(ref page->Used);
        return SmallAlloc<TSpec>.ThreadFreeCount(page, used) == used;
    }

    /// <summary>Collects a drained page's thread frees and hands it back to the core.</summary>
    private void TakePage(ThreadHeap* heap, Page* page)
    {
        heap->PageCount--;
        SmallAlloc<TSpec>.CollectThreadFree(page);
        Debug.Assert(page->Used == 0, "a drained page has no block in use once its thread frees are collected");
        page->InFull = 0;
        Volatile.Write(ref *(nint*)&page->Heap, 0);
        FreeSmallPage(page);
    }
}
