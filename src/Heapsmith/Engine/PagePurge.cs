using System.Numerics;
using System.Runtime.CompilerServices;
using Heapsmith.Os;

namespace Heapsmith.Engine;

// In-page purge: gives back the OS pages (4 KiB) inside a small page that hold only free blocks,
// while the page keeps serving its live ones. A size-class page whose blocks were mostly freed
// otherwise pins all of its memory until its last block goes (ARCHITECTURE: "where the anchors
// stop"); glibc reuses such holes by coalescing, mimalloc and jemalloc keep them resident.
//
// Invariants (owner thread, or a holder of the heap's SlowLock, only):
// - Bit k of Page.PurgedMask: OS page k of the page's carved blocks was purged, and every block
//   that touches it is free and on no list (so no link word lives in purged memory). Only OS pages
//   wholly inside the carved part are purged: Extend never carves into a purged OS page.
// - Used is unchanged by purging: blocks off the list were free and stay free.
// - A refill that finds no free block brings back the lowest purged OS pages a block needs, and
//   links the blocks that touch no OS page still purged (Unpurge), before carving fresh ones.
// - When the page goes back to the core its mask is cleared; the core's span purge covers it.
//
// When: a thread heap about to take a new page first purges its sparse pages (a quarter or less
// of their blocks in use), at most once per eighth of its pages acquired (amortised O(1)), unless
// PurgeDelayMs is -1; Trim purges every page of the calling thread's heap. Pages of more than 64
// OS pages, and the NativeMemory backend (whose purge is only a memset), are left alone.
internal static unsafe class PagePurge<TSpec>
    where TSpec : struct, IHeapSpec
{
    /// <summary>OS pages a small page may span to be purged in place (one bit each).</summary>
    private const int MaxOsPages = 64;

    private const int OsPageShift = 12;

    /// <summary>Whether in-page purging can give memory back on this backend (a JIT-time constant).</summary>
    public static bool Supported
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSpec.Backend != HeapBackend.NativeMemory && OsMemory.OsPageSize == 1 << OsPageShift;
    }

    /// <summary>Whether a heap about to grow purges its sparse pages first.</summary>
    public static bool OnGrowth
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Supported && TSpec.PurgeDelayMs >= 0;
    }

    /// <summary>
    /// Purges the free OS pages of the thread heap's pages: of every page when <paramref name="all"/>
    /// (Trim), otherwise of pages other than the current ones that became sparse since their last purge.
    /// Returns the bytes purged.
    /// </summary>
    public static long PurgeHeap(ThreadHeap* heap, bool all)
    {
        var queues = ThreadHeap.Queues(heap, TSpec.SizeClassCount);
        long bytes = 0;
        for (var c = 0; c < TSpec.SizeClassCount; c++)
        {
            // The first page is the class's current one: unless trimming, leave it to the next
            // allocations, which would bring its purged parts straight back.
            var first = queues[c].First;
            for (var page = all || first == null ? first : first->Next; page != null; page = page->Next)
            {
                if (all || IsSparse(page))
                {
                    bytes += Purge(page);
                }
            }
        }

        heap->PurgedInPages += bytes;
        return bytes;
    }

    /// <summary>A quarter or less of the page's blocks in use, and an eighth fewer than at its last purge.</summary>
    private static bool IsSparse(Page* page) =>
        page->Used * 4 <= page->Capacity && (long)page->Used * 8 < (long)page->UsedAtPurge * 7;

    /// <summary>Purges the OS pages of <paramref name="page"/> that hold only free blocks; returns the bytes purged.</summary>
    public static long Purge(Page* page)
    {
        var size = page->BlockSize;
        var capacity = page->Capacity;
        var carved = (nuint)capacity * size;
        var osPages = (int)(carved >> OsPageShift);
        page->UsedAtPurge = page->Used;
        if (osPages == 0 || carved > (nuint)MaxOsPages << OsPageShift || page->FreeList == null)
        {
            return 0;
        }

        // Which blocks are free: those on the list, and those off it because they touch a purged page.
        var words = (capacity + 63) >> 6;
        var free = stackalloc ulong[words];
        new System.Span<ulong>(free, words).Clear();
        for (var block = page->FreeList; block != null; block = FreeLink<TSpec>.NextChecked(page, block))
        {
            var index = (int)SmallAlloc<TSpec>.BlockIndex(page, (nuint)((byte*)block - page->Start));
            free[index >> 6] |= 1UL << index;
        }

        var mask = page->PurgedMask;
        ulong added = 0;
        for (var k = 0; k < osPages; k++)
        {
            if ((mask & (1UL << k)) != 0)
            {
                continue;
            }

            var firstBlock = (int)(((nuint)k << OsPageShift) / size);
            var lastBlock = (int)((((nuint)(k + 1) << OsPageShift) - 1) / size);
            var allFree = true;
            for (var i = firstBlock; i <= lastBlock && allFree; i++)
            {
                allFree = (free[i >> 6] & (1UL << i)) != 0 || Touches(i, size, mask);
            }

            if (allFree)
            {
                added |= 1UL << k;
            }
        }

        if (added == 0)
        {
            return 0;
        }

        PurgeRuns(page->Start, added);
        mask |= added;
        page->PurgedMask = mask;

        // Relink the free blocks that touch no purged page, lowest address first.
        void* head = null;
        for (var i = capacity - 1; i >= 0; i--)
        {
            if ((free[i >> 6] & (1UL << i)) != 0 && !Touches(i, size, mask))
            {
                var block = page->Start + ((nuint)i * size);
                FreeLink<TSpec>.SetNext(page, block, head);
                head = block;
            }
        }

        page->FreeList = head;
        return (long)BitOperations.PopCount(added) << OsPageShift;
    }

    /// <summary>
    /// Brings back the lowest purged OS pages that the first block off the list needs, and links
    /// every block they free up (those touching no page still purged). The page has a purged page.
    /// </summary>
    public static void Unpurge(Page* page)
    {
        var size = page->BlockSize;
        var mask = page->PurgedMask;
        var lowest = BitOperations.TrailingZeroCount(mask);
        var first = (int)(((nuint)lowest << OsPageShift) / size);
        var firstPage = (int)(((nuint)first * size) >> OsPageShift);
        var lastPage = (int)(((((nuint)first + 1) * size) - 1) >> OsPageShift);
        var cleared = RangeMask(firstPage, lastPage) & mask;
        mask &= ~cleared;

        // The blocks touching a cleared page were all off the list; link those now clear of purged pages.
        var lastCleared = 63 - BitOperations.LeadingZeroCount(cleared);
        var from = (int)(((nuint)BitOperations.TrailingZeroCount(cleared) << OsPageShift) / size);
        var to = (int)((((nuint)(lastCleared + 1) << OsPageShift) - 1) / size);
        if (to >= page->Capacity)
        {
            to = page->Capacity - 1;
        }

        var head = page->FreeList;
        for (var i = to; i >= from; i--)
        {
            if (!Touches(i, size, mask))
            {
                var block = page->Start + ((nuint)i * size);
                FreeLink<TSpec>.SetNext(page, block, head);
                FreeLink<TSpec>.SetKey(page, block);
                HeapCheck<TSpec>.OnCarve(block, size);
                head = block;
            }
        }

        page->FreeList = head;
        page->PurgedMask = mask;
        page->UsedAtPurge = int.MaxValue;
    }

    /// <summary>Bytes of the page's blocks purged in place right now.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long PurgedBytes(Page* page) => (long)BitOperations.PopCount(page->PurgedMask) << OsPageShift;

    /// <summary>Whether block <paramref name="index"/> touches an OS page of <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Touches(int index, nuint size, ulong mask)
    {
        if (mask == 0)
        {
            return false;
        }

        var start = (nuint)index * size;
        var firstPage = (int)(start >> OsPageShift);
        var lastPage = (int)((start + size - 1) >> OsPageShift);
        return firstPage < MaxOsPages && (mask & RangeMask(firstPage, lastPage < MaxOsPages ? lastPage : MaxOsPages - 1)) != 0;
    }

    /// <summary>Whether the block at <paramref name="p"/> of a small page lies in a purged part (so it is free).</summary>
    public static bool IsInPurgedPart(Page* page, void* p)
    {
        var mask = page->PurgedMask;
        if (mask == 0)
        {
            return false;
        }

        var index = (int)SmallAlloc<TSpec>.BlockIndex(page, (nuint)((byte*)p - page->Start));
        return Touches(index, page->BlockSize, mask);
    }

    private static ulong RangeMask(int first, int last) =>
        (last - first + 1 >= 64 ? ulong.MaxValue : ((1UL << (last - first + 1)) - 1)) << first;

    private static void PurgeRuns(byte* start, ulong pages)
    {
        while (pages != 0)
        {
            var first = BitOperations.TrailingZeroCount(pages);
            var run = BitOperations.TrailingZeroCount(~(pages >> first));
            OsMemory.Purge(TSpec.Backend, start + ((nuint)first << OsPageShift), (nuint)run << OsPageShift);
            pages &= run >= 64 ? 0 : ~(((1UL << run) - 1) << first);
        }
    }
}
