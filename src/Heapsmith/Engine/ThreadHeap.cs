using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Heapsmith.Engine;

// A thread heap: the pages one thread allocates from, by size class. Unmanaged, taken from the OS
// through the heap core and recycled (never released) for static heaps, so a stale pointer to one
// (a late hint from another thread) always lands in valid memory.
//
// Layout: this struct, then SizeClassCount direct page pointers, then SizeClassCount page queues.
// Invariants (owner thread only, no locks, no atomics):
// - Direct[c] is Queues[c].First, or &Empty when the queue is empty, so the alloc fast path needs
//   no null check: Empty's FreeList is always null.
// - Queues[c] holds the heap's pages of class c that may have free blocks, the current one first;
//   Full holds pages found with no free block, until a free makes one available again. A page
//   with no block in use stays only as Queues[c].First; any other goes back to the core.
// - ThreadFreePending is the only field other threads write: set (plain store) after the first
//   cross-thread free to a page of this heap since the owner last looked.
// - Busy is 1 while the owner pops a block on the alloc fast path, SlowLock is held while anyone
//   changes the queues or Direct (the owner's slow paths, or a Trim from another thread): the
//   handshake that lets another thread's Trim take pages safely (see HeapCore.TrimThreads.cs).

/// <summary>Per-thread page queues of one heap (or the single heap of an arena / non-thread-safe heap).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ThreadHeap
{
    /// <summary>Blocks handed out by this heap's fast and slow paths.</summary>
    public long Allocs;

    /// <summary>Blocks freed by this heap's thread (its own or others').</summary>
    public long Frees;

    /// <summary>1 while a thread owns the heap; 0 once abandoned or not yet handed out.</summary>
    public int Live;

    /// <summary>Bumped each time the heap is recycled, so a stale exit sentinel cannot abandon a new owner.</summary>
    public int Generation;

    /// <summary>Allocation slow paths taken (paces the unprompted look at full pages).</summary>
    public int SlowPaths;

    /// <summary>Bytes of the heap's memory (for releasing arena heaps).</summary>
    public int MemorySize;

    /// <summary>Bytes purged inside this heap's pages, in all (PagePurge).</summary>
    public long PurgedInPages;

    /// <summary>Pages this heap holds (paces the in-page purge of its sparse pages).</summary>
    public int PageCount;

    /// <summary>Pages acquired since the last look for sparse pages.</summary>
    public int AcquiresSinceScan;

    /// <summary>1 while the owner is inside an alloc fast path (written by the owner only).</summary>
    public int Busy;

    /// <summary>Spin lock over the queues and Direct: the owner's slow paths and other threads' Trim.</summary>
    public int SlowLock;

    /// <summary>Link in the core's list of recycled heaps.</summary>
    public ThreadHeap* NextFree;

#pragma warning disable CS0169 // padding, never read
    /// <summary>Keeps <see cref="ThreadFreePending"/> off the cache line of the fast paths' counters.</summary>
    private readonly CacheLine _beforeRemote;
#pragma warning restore CS0169

    /// <summary>
    /// Set by other threads: some full page of this heap may have thread frees. The only field
    /// other threads write on their free path, on a cache line of its own, so their writes do not
    /// bounce the line the owner's every allocation writes (Allocs, Busy).
    /// </summary>
    public int ThreadFreePending;

#pragma warning disable CS0169 // padding, never read
    private readonly CacheLine _afterRemote;
#pragma warning restore CS0169

    /// <summary>Pages found full (all classes).</summary>
    public PageQueue Full;

    /// <summary>The always-empty page every idle Direct entry points to.</summary>
    public Page Empty;

    /// <summary>Bytes a heap with <paramref name="sizeClassCount"/> classes needs.</summary>
    public static int BytesFor(int sizeClassCount) => sizeof(ThreadHeap) + (sizeClassCount * (sizeof(Page*) + sizeof(PageQueue)));

    /// <summary>The direct page pointers, indexed by size class.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Page** Direct(ThreadHeap* heap) => (Page**)(heap + 1);

    /// <summary>The page queues, indexed by size class.</summary>
    public static PageQueue* Queues(ThreadHeap* heap, int sizeClassCount) => (PageQueue*)((Page**)(heap + 1) + sizeClassCount);

    /// <summary>Takes <paramref name="heap"/>'s slow lock, spinning (holders keep it for a slow path at most).</summary>
    public static void EnterSlow(ThreadHeap* heap)
    {
        if (Interlocked.CompareExchange(ref heap->SlowLock, 1, 0) != 0)
        {
            EnterSlowContended(heap);
        }
    }

    /// <summary>Takes <paramref name="heap"/>'s slow lock if it is free.</summary>
    public static bool TryEnterSlow(ThreadHeap* heap) => Interlocked.CompareExchange(ref heap->SlowLock, 1, 0) == 0;

    /// <summary>Releases <paramref name="heap"/>'s slow lock; what the holder wrote is visible to the next holder.</summary>
    public static void ExitSlow(ThreadHeap* heap) => Volatile.Write(ref heap->SlowLock, 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void EnterSlowContended(ThreadHeap* heap)
    {
        var spin = default(SpinWait);
        do
        {
            spin.SpinOnce();
        }
        while (Volatile.Read(ref heap->SlowLock) != 0 || Interlocked.CompareExchange(ref heap->SlowLock, 1, 0) != 0);
    }

    /// <summary>Resets a heap for a new owner; memory must be zero or a previously used heap.</summary>
    public static void Initialize(ThreadHeap* heap, int sizeClassCount, int memorySize)
    {
        var generation = heap->Generation + 1;
        NativeMemory.Clear(heap, (nuint)BytesFor(sizeClassCount));
        heap->Generation = generation;
        heap->MemorySize = memorySize;
        var direct = Direct(heap);
        for (var c = 0; c < sizeClassCount; c++)
        {
            direct[c] = &heap->Empty;
        }
    }
}

/// <summary>64 bytes of nothing: keeps fields written by different threads on different cache lines.</summary>
[StructLayout(LayoutKind.Sequential, Size = 64)]
internal struct CacheLine
{
}
