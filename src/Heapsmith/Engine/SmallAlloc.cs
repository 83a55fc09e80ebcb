using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Heapsmith.Engine;

// Small blocks on a thread heap's pages (mimalloc's alloc.c / free.c / page.c for small sizes).
//
// Fast paths (AggressiveInlining, so inlined through the generated one-line forwards into the
// caller): pop the FreeList of the class's direct page; push
// a block freed by the owner onto its page's FreeList. No lock, no interlocked operation, no call:
// a page emptied by a local free stays while it is its class's direct page (mimalloc keeps the
// last page of a queue too), so a loop that allocates and frees one block never leaves the fast
// paths. Slow paths (never inlined): collect ThreadFree into FreeList, carve more of a page, move
// full pages aside, return empty pages that are not direct, take a new page from the heap core.
//
// A block on a free list holds the next block's address in its first word and the freed key in its
// second, both written and read through FreeLink (encoded and checked when hardened). Frees from another
// thread push onto the page's ThreadFree with one compare-and-swap and, when the list was empty,
// set the owner's ThreadFreePending hint (a plain store) so the owner looks at its full pages.
//
// Another thread's Trim may take this heap's pages whose blocks are all free (HeapCore.TrimThreads).
// Three rules make that safe without an atomic on the fast paths: the alloc fast path brackets its
// pop with heap->Busy; the local free's last write to a page is its Used count (a release store),
// decided on before it, so a page it empties is never touched again; and every slow path holds the
// heap's SlowLock while it changes the queues or Direct.
internal static unsafe class SmallAlloc<TSpec>
    where TSpec : struct, IHeapSpec
{
    /// <summary>Bytes carved from a page's untouched part at a time (one OS page), so a page is touched lazily.</summary>
    private const int ExtendBytes = 4096;

    /// <summary>Slow paths between unprompted looks at the full pages (a power of two).</summary>
    private const int RescueInterval = 64;

    /// <summary>Pops a block of class <paramref name="sizeClass"/> from the heap's direct page, or returns null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* TryPop(ThreadHeap* heap, int sizeClass)
    {
        if (!TSpec.ThreadSafe)
        {
            return PopFrom(heap, ThreadHeap.Direct(heap)[sizeClass]);
        }

        // Busy before Direct is read, cleared after the page's last write: a trimmer that revoked
        // Direct and then sees Busy == 0 (after a process-wide barrier) knows no pop is in flight.
        Volatile.Write(ref heap->Busy, 1);
        var block = PopFrom(heap, (Page*)Volatile.Read(ref *(nint*)&ThreadHeap.Direct(heap)[sizeClass]));
        Volatile.Write(ref heap->Busy, 0);
        return block;
    }

    /// <summary>Pops the first block of <paramref name="page"/>'s free list, or returns null when it is empty.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void* PopFrom(ThreadHeap* heap, Page* page)
    {
        var block = page->FreeList;
        if (block != null)
        {
            if (!FreeLink<TSpec>.IsPlausible(page, block))
            {
                FreeLink<TSpec>.FailHead(heap, page, block);
            }

            page->FreeList = FreeLink<TSpec>.Next(page, block);
            FreeLink<TSpec>.ClearKey(page, block);
            page->Used++;
            heap->Allocs++;
            if (HeapCheck<TSpec>.VerifiesJunk && !HeapCheck<TSpec>.IsJunkIntact(block, page->BlockSize))
            {
                FreeLink<TSpec>.FailWriteAfterFree(heap, block);
            }

            if (HeapCheck<TSpec>.Enabled)
            {
                HeapCheck<TSpec>.OnSmallAlloc(block, page->BlockSize);
            }
        }

        return block;
    }

    /// <summary>Frees a block of a page the heap owns (the caller checked page->Heap == heap).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FreeLocal(HeapCore<TSpec> core, ThreadHeap* heap, Page* page, void* block)
    {
        if (FreeLink<TSpec>.HasKey(page, block))
        {
            FreeLink<TSpec>.CheckNotFree(page, block);
        }

        FreeLink<TSpec>.SetNext(page, block, page->FreeList);
        FreeLink<TSpec>.SetKey(page, block);
        page->FreeList = block;
        heap->Frees++;
        var used = page->Used - 1;
        if (((used == 0) && page != ThreadHeap.Direct(heap)[page->SizeClass]) || page->InFull != 0)
        {
            FreeLocalSlow(core, heap, page);
            return;
        }

        // The page's last write, a release store: a trimmer that reads the count sees the free list
        // complete. An emptied direct page stays: the next allocation of its class pops from it.
        Volatile.Write(ref page->Used, used);
    }

    /// <summary>Frees a block of a page another thread owns (or an abandoned page): one CAS.</summary>
    public static void FreeRemote(Page* page, void* block)
    {
        // The owner is read while the block is still counted as in use, so the page cannot be
        // freed (nor its segment unmapped) under this read; after the push it could be.
        var owner = (ThreadHeap*)Volatile.Read(ref *(nint*)&page->Heap);
        if (FreeLink<TSpec>.HasKey(page, block))
        {
            FreeLink<TSpec>.CheckNotFree(page, block);
        }

        FreeLink<TSpec>.SetKey(page, block);
        ref var head = ref page->ThreadFree;
        nint seen;
        do
        {
            seen = Volatile.Read(ref head);
            FreeLink<TSpec>.SetNext(page, block, (void*)seen);
        }
        while (Interlocked.CompareExchange(ref head, (nint)block, seen) != seen);

        // First pending free of the page: tell the owner to look at its full pages. Thread heaps
        // of a static heap are recycled, never unmapped, so a stale owner only gets a spurious hint
        // (and the real owner finds the page on its periodic look at its full pages).
        if (seen == 0 && owner != null)
        {
            Volatile.Write(ref owner->ThreadFreePending, 1);
        }
    }

    /// <summary>Allocates a block of a class whose direct page is empty; null when the OS refuses.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void* AllocSlow(HeapCore<TSpec> core, ThreadHeap* heap, int sizeClass)
    {
        // Most slow paths only carve the next OS page of the current page or collect its thread
        // frees: page-local work, done under Busy like a pop (a trimmer never takes a page with a
        // block in use, and waits for Busy before it trusts a revoked Direct), so without the lock.
        if (TSpec.ThreadSafe && Volatile.Read(ref heap->ThreadFreePending) == 0)
        {
            Volatile.Write(ref heap->Busy, 1);
            var current = (Page*)Volatile.Read(ref *(nint*)&ThreadHeap.Direct(heap)[sizeClass]);
            var block = current != &heap->Empty && current->Used != 0 && Refill(current) ? PopFrom(heap, current) : null;
            Volatile.Write(ref heap->Busy, 0);
            if (block != null)
            {
                return block;
            }
        }

        EnterSlow(heap);
        try
        {
            var page = FindPageWithFreeBlock(core, heap, sizeClass);
            return page == null ? null : PopFrom(heap, page);
        }
        finally
        {
            ExitSlow(heap);
        }
    }

    /// <summary>Takes the heap's slow lock (thread-safe specs only: no other thread touches the others' heaps).</summary>
    private static void EnterSlow(ThreadHeap* heap)
    {
        if (TSpec.ThreadSafe)
        {
            ThreadHeap.EnterSlow(heap);
        }
    }

    private static void ExitSlow(ThreadHeap* heap)
    {
        if (TSpec.ThreadSafe)
        {
            ThreadHeap.ExitSlow(heap);
        }
    }

    /// <summary>Allocates a block of class <paramref name="sizeClass"/>, fast or slow; null when the OS refuses.</summary>
    public static void* AllocClass(HeapCore<TSpec> core, ThreadHeap* heap, int sizeClass)
    {
        var block = TryPop(heap, sizeClass);
        return block != null ? block : AllocSlow(core, heap, sizeClass);
    }

    private static Page* FindPageWithFreeBlock(HeapCore<TSpec> core, ThreadHeap* heap, int sizeClass)
    {
        // The hint is the usual trigger; every RescueInterval-th slow path also looks without it,
        // so a hint lost to a page changing owner under a remote free strands nothing for long.
        if (TSpec.ThreadSafe && (Volatile.Read(ref heap->ThreadFreePending) != 0 || (++heap->SlowPaths & (RescueInterval - 1)) == 0))
        {
            RescueFullPages(core, heap);
        }

        ref var queue = ref ThreadHeap.Queues(heap, TSpec.SizeClassCount)[sizeClass];
        var page = queue.First;
        while (page != null)
        {
            var next = page->Next;
            if (Refill(page))
            {
                if (page != queue.First)
                {
                    queue.Remove(page);
                    queue.PushFront(page);
                }

                ThreadHeap.Direct(heap)[sizeClass] = page;
                return page;
            }

            // No free block: out of the way until a free makes one.
            queue.Remove(page);
            page->InFull = 1;
            heap->Full.PushBack(page);
            page = next;
        }

        // About to grow: first give back the free OS pages of pages that became sparse, at most
        // once per eighth of the heap's pages acquired, so the look costs O(1) per page.
        if (PagePurge<TSpec>.OnGrowth && ++heap->AcquiresSinceScan * 8 >= heap->PageCount)
        {
            heap->AcquiresSinceScan = 0;
            PagePurge<TSpec>.PurgeHeap(heap, all: false);
        }

        while (true)
        {
            page = core.AcquireSmallPage(heap, sizeClass);
            if (page == null)
            {
                ThreadHeap.Direct(heap)[sizeClass] = &heap->Empty;
                return null;
            }

            heap->PageCount++;
            if (Refill(page))
            {
                queue.PushFront(page);
                ThreadHeap.Direct(heap)[sizeClass] = page;
                return page;
            }

            // An adopted page with every block in use.
            page->InFull = 1;
            heap->Full.PushBack(page);
        }
    }

    /// <summary>Gives a page free blocks from its thread frees or its untouched part; false when it has none.</summary>
    private static bool Refill(Page* page)
    {
        if (page->FreeList == null)
        {
            CollectThreadFree(page);
            if (page->FreeList == null && page->PurgedMask != 0)
            {
                PagePurge<TSpec>.Unpurge(page);
            }

            if (page->FreeList == null && page->Capacity < page->Reserved)
            {
                Extend(page);
            }
        }

        return page->FreeList != null;
    }

    /// <summary>Carves up to one OS page of untouched blocks into the free list.</summary>
    private static void Extend(Page* page)
    {
        var size = page->BlockSize;
        var count = (int)((nuint)ExtendBytes / size);
        if (count < 1)
        {
            count = 1;
        }

        if (count > page->Reserved - page->Capacity)
        {
            count = page->Reserved - page->Capacity;
        }

        Debug.Assert(count >= 1 && page->Capacity + count <= page->Reserved, "Extend carves inside the page");
        Debug.Assert(page->FreeList == null, "Extend runs on a page with no free block");
        var first = page->Start + ((nuint)page->Capacity * size);
        if (FreeLink<TSpec>.Guarded && count > 1)
        {
            ExtendShuffled(page, first, count);
            return;
        }

        var block = first;
        for (var i = 1; i < count; i++)
        {
            var next = block + size;
            Carve(page, block, next);
            block = next;
        }

        Carve(page, block, page->FreeList);
        page->FreeList = first;
        page->Capacity += count;
    }

    /// <summary>
    /// Extend of a hardened heap: the carved blocks are linked in a random order (mimalloc's
    /// secure mode), so where the next allocations land next to one another cannot be predicted.
    /// </summary>
    private static void ExtendShuffled(Page* page, byte* first, int count)
    {
        var size = page->BlockSize;
        var order = count <= 512 ? stackalloc int[count] : new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        Random.Shared.Shuffle(order);
        var next = page->FreeList;
        for (var i = count - 1; i >= 0; i--)
        {
            var block = first + ((nuint)order[i] * size);
            Carve(page, block, next);
            next = block;
        }

        page->FreeList = next;
        page->Capacity += count;
    }

    /// <summary>Links a carved block to <paramref name="next"/> as every list block is kept: link, key, and the checks' marks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Carve(Page* page, void* block, void* next)
    {
        FreeLink<TSpec>.SetNext(page, block, next);
        FreeLink<TSpec>.SetKey(page, block);
        HeapCheck<TSpec>.OnCarve(block, page->BlockSize);
    }

    /// <summary>
    /// The index of the block of the small page at byte offset <paramref name="offset"/> from its
    /// first block: the class's multiplier, exact at every offset inside the page (no division).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong BlockIndex(Page* page, nuint offset) =>
        ((ulong)offset * TSpec.BlockIndexMultiplier(page->SizeClass)) >> TSpec.BlockIndexShift;

    /// <summary>
    /// Whether <paramref name="p"/> is the start of one of the small page's blocks: the index,
    /// multiplied back, gives the offset again only at a block start; an index past Reserved is past
    /// the page's blocks.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsBlockStart(Page* page, void* p)
    {
        var offset = (nuint)p - (nuint)page->Start;
        var index = BlockIndex(page, offset);
        return index < (ulong)page->Reserved && index * page->BlockSize == offset;
    }

    /// <summary>
    /// Blocks in the page's thread-free list, counted up to <paramref name="limit"/> + 1 at most.
    /// Safe without the owner: blocks in the list keep their links until the owner collects them.
    /// </summary>
    public static int ThreadFreeCount(Page* page, int limit)
    {
        var count = 0;
        for (var block = (void*)Volatile.Read(ref page->ThreadFree); block != null && count <= limit; block = FreeLink<TSpec>.NextChecked(page, block))
        {
            count++;
        }

        return count;
    }

    /// <summary>Moves the blocks other threads freed into the free list (owner, adopter or reclaimer only).</summary>
    public static void CollectThreadFree(Page* page)
    {
        if (!TSpec.ThreadSafe || Volatile.Read(ref page->ThreadFree) == 0)
        {
            return;
        }

        var list = (void*)Interlocked.Exchange(ref page->ThreadFree, 0);
        var count = 1;
        var tail = list;
        void* next;
        while ((next = FreeLink<TSpec>.NextChecked(page, tail)) != null)
        {
            tail = next;
            count++;
        }

        FreeLink<TSpec>.SetNext(page, tail, page->FreeList);
        page->FreeList = list;
        page->Used -= count;
        Debug.Assert(page->Used >= 0, "a page's thread frees were counted in Used");
    }

    /// <summary>
    /// A local free that empties a page that is not its class's direct page, or hits a page in the
    /// full list. The block is already on the free list but still counted in Used, so until the
    /// count drops here, under the slow lock, no trimmer can take the page.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FreeLocalSlow(HeapCore<TSpec> core, ThreadHeap* heap, Page* page)
    {
        EnterSlow(heap);
        try
        {
            page->Used--;
            Debug.Assert(page->Used >= 0 && page->Heap == heap, "a local free's page is the heap's, with the block counted");
            ReturnOrRequeue(core, heap, page);
        }
        finally
        {
            ExitSlow(heap);
        }
    }

    private static void ReturnOrRequeue(HeapCore<TSpec> core, ThreadHeap* heap, Page* page)
    {
        var sizeClass = page->SizeClass;
        ref var queue = ref ThreadHeap.Queues(heap, TSpec.SizeClassCount)[sizeClass];
        if (page->InFull != 0)
        {
            heap->Full.Remove(page);
            page->InFull = 0;
            queue.PushBack(page);
        }

        if (page->Used == 0 && page != queue.First)
        {
            // Empty and not the class's current page: back to the core. The current one stays, so
            // a loop that allocates and frees one block does not take and return a page each time.
            queue.Remove(page);
            ReturnPage(core, heap, page);
        }

        var first = queue.First;
        ThreadHeap.Direct(heap)[sizeClass] = first != null ? first : &heap->Empty;
    }

    /// <summary>
    /// Collects the thread frees of full pages that received some: a page with blocks still in use
    /// goes back to its class queue, a page with none goes back to the core (so a producer whose
    /// blocks a consumer freed does not sit on empty pages).
    /// </summary>
    private static void RescueFullPages(HeapCore<TSpec> core, ThreadHeap* heap)
    {
        // Cleared before the scan: a free that lands during it sets the hint again.
        Volatile.Write(ref heap->ThreadFreePending, 0);
        var queues = ThreadHeap.Queues(heap, TSpec.SizeClassCount);
        var page = heap->Full.First;
        while (page != null)
        {
            var next = page->Next;
            if (Volatile.Read(ref page->ThreadFree) != 0)
            {
                heap->Full.Remove(page);
                page->InFull = 0;
                CollectThreadFree(page);
                var sizeClass = page->SizeClass;
                if (page->Used == 0)
                {
                    ReturnPage(core, heap, page);
                }
                else
                {
                    queues[sizeClass].PushBack(page);
                    if (ThreadHeap.Direct(heap)[sizeClass] == &heap->Empty)
                    {
                        ThreadHeap.Direct(heap)[sizeClass] = queues[sizeClass].First;
                    }
                }
            }

            page = next;
        }
    }

    /// <summary>Gives a page with no block in use back to the core.</summary>
    private static void ReturnPage(HeapCore<TSpec> core, ThreadHeap* heap, Page* page)
    {
        Debug.Assert(page->Used == 0 && page->ThreadFree == 0 && page->Kind == PageKind.Small, "a page goes back to the core with no block in use");
        Debug.Assert(heap->PageCount > 0, "the heap counted the page");
        heap->PageCount--;
        core.FreeSmallPage(page);
    }

    /// <summary>Returns every page of the heap with no block in use to the core, and purges the free OS pages of the others (Trim).</summary>
    public static void ReleaseEmptyPages(HeapCore<TSpec> core, ThreadHeap* heap)
    {
        EnterSlow(heap);
        try
        {
            ReleaseEmptyPagesLocked(core, heap);
        }
        finally
        {
            ExitSlow(heap);
        }
    }

    private static void ReleaseEmptyPagesLocked(HeapCore<TSpec> core, ThreadHeap* heap)
    {
        var queues = ThreadHeap.Queues(heap, TSpec.SizeClassCount);
        if (TSpec.ThreadSafe)
        {
            RescueFullPages(core, heap);
        }

        for (var c = 0; c < TSpec.SizeClassCount; c++)
        {
            var page = queues[c].First;
            while (page != null)
            {
                var next = page->Next;
                CollectThreadFree(page);
                if (page->Used == 0)
                {
                    queues[c].Remove(page);
                    ReturnPage(core, heap, page);
                }

                page = next;
            }

            var first = queues[c].First;
            ThreadHeap.Direct(heap)[c] = first != null ? first : &heap->Empty;
        }

        if (PagePurge<TSpec>.Supported)
        {
            PagePurge<TSpec>.PurgeHeap(heap, all: true);
        }
    }
}
