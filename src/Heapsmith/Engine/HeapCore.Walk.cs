using System;

namespace Heapsmith.Engine;

// Walks of every live block of a heap: the canary check of an arena's Dispose, VisitBlocks.
//
// A small page's live blocks are its carved blocks that are on neither of its lists (FreeList,
// ThreadFree) nor in a part purged in place; large runs and huge blocks are live while they exist.
// The lists are read without their owners (under the core lock, which keeps pages and segments
// in place), so a walk is only exact when no other thread uses the heap at the time, as for an
// arena's Dispose. Every list step is checked to stay inside its page.

/// <summary>Sees each live block of a heap; returns false to stop the walk.</summary>
internal unsafe interface IBlockVisitor
{
    /// <summary>A live block of <paramref name="blockSize"/> bytes on <paramref name="page"/> (small page, large run or huge block).</summary>
    bool Visit(void* block, nuint blockSize, Page* page);
}

/// <summary>The walk of live blocks.</summary>
internal sealed unsafe partial class HeapCore<TSpec>
{
    /// <summary>Bits of a small page's free map kept on the stack; larger pages use an array.</summary>
    private const int StackFreeMapWords = 256;

    /// <summary>Calls <paramref name="visitor"/> for every live block until it returns false; returns whether the walk finished.</summary>
    public bool VisitLiveBlocks<TVisitor>(ref TVisitor visitor)
        where TVisitor : struct, IBlockVisitor
    {
        using var scope = Lock();
        var units = SegmentLayout<TSpec>.Units;
        for (var segment = _segments; segment != null; segment = segment->Next)
        {
            var pages = SegmentLayout<TSpec>.PagesOf(segment);
            for (var u = SegmentLayout<TSpec>.HeaderUnits; u < units; u += pages[u].SpanUnits)
            {
                var page = &pages[u];
                var more = page->Kind switch
                {
                    PageKind.Small => VisitSmallPage(page, ref visitor),
                    PageKind.Large => visitor.Visit(page->Start, page->BlockSize, page),
                    _ => true,
                };
                if (!more)
                {
                    return false;
                }
            }
        }

        for (var segment = _hugeSegments; segment != null; segment = segment->Next)
        {
            var page = segment->HugePage;
            if (!visitor.Visit(page->Start, page->BlockSize, page))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Calls a user's visitor for every live block (VisitBlocks); the visitor's state is copied back.</summary>
    public void VisitBlocks<TVisitor>(ref TVisitor visitor)
        where TVisitor : IHeapBlockVisitor
    {
        var adapter = new UserBlockVisitor<TSpec, TVisitor> { Inner = visitor };
        try
        {
            VisitLiveBlocks(ref adapter);
        }
        finally
        {
            visitor = adapter.Inner;
        }
    }

    /// <summary>
    /// Lists the live blocks by allocation site when the spec tracks them (HeapChecks.Leaks), else
    /// their count and bytes; returns the blocks listed.
    /// </summary>
    public int ReportLeaks(System.IO.TextWriter writer)
    {
        if (LeakTable<TSpec>.Enabled)
        {
            return LeakTable<TSpec>.Report(Id, writer, forget: false);
        }

        var counter = new CountVisitor();
        VisitLiveBlocks(ref counter);
        if (counter.Count != 0)
        {
            writer.WriteLine($"Heap '{TSpec.Name}': {counter.Count} live blocks ({counter.Bytes} bytes); allocation sites are tracked with HeapChecks.Leaks");
        }

        return counter.Count;
    }

    /// <summary>
    /// The first block whose canary or size record was overwritten, as the exception a free of it
    /// would raise; null when every live block is intact (arena Dispose with Checks.Canary).
    /// </summary>
    public HeapCorruptionException? FindOverrun()
    {
        var visitor = new CanaryVisitor();
        VisitLiveBlocks(ref visitor);
        return visitor.Found;
    }

    private static bool VisitSmallPage<TVisitor>(Page* page, ref TVisitor visitor)
        where TVisitor : struct, IBlockVisitor
    {
        var capacity = page->Capacity;
        var words = (capacity + 63) >> 6;
        Span<ulong> free = words <= StackFreeMapWords ? stackalloc ulong[words] : new ulong[words];
        free.Clear();
        MarkFree(page, page->FreeList, free);
        MarkFree(page, (void*)page->ThreadFree, free);
        var size = page->BlockSize;
        var mask = page->PurgedMask;
        for (var i = 0; i < capacity; i++)
        {
            if ((free[i >> 6] & (1UL << i)) != 0 || PagePurge<TSpec>.Touches(i, size, mask))
            {
                continue;
            }

            if (!visitor.Visit(page->Start + ((nuint)i * size), size, page))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Sets the bit of every block on the list from <paramref name="head"/>, stopping at a link outside the page.</summary>
    private static void MarkFree(Page* page, void* head, Span<ulong> free)
    {
        var steps = page->Capacity;
        for (var p = head; p != null && steps-- > 0 && FreeLink<TSpec>.IsBlockOf(page, p); p = FreeLink<TSpec>.Next(page, p))
        {
            var index = (int)SmallAlloc<TSpec>.BlockIndex(page, (nuint)((byte*)p - page->Start));
            free[index >> 6] |= 1UL << index;
        }
    }

    /// <summary>Counts the live blocks and their bytes.</summary>
    private struct CountVisitor : IBlockVisitor
    {
        public int Count;
        public ulong Bytes;

        public bool Visit(void* block, nuint blockSize, Page* page)
        {
            Count++;
            Bytes += HeapCheck<TSpec>.HasCanary ? HeapCheck<TSpec>.RequestedSize(page, block) : blockSize;
            return true;
        }
    }

    /// <summary>Checks each block's canary; keeps the first failure.</summary>
    private struct CanaryVisitor : IBlockVisitor
    {
        public HeapCorruptionException? Found;

        public bool Visit(void* block, nuint blockSize, Page* page)
        {
            try
            {
                HeapCheck<TSpec>.CheckedSize(block, blockSize);
                return true;
            }
            catch (HeapCorruptionException e)
            {
                Found = e;
                return false;
            }
        }
    }
}

/// <summary>Hands each live block to a user's <see cref="IHeapBlockVisitor"/> as a <see cref="HeapBlock"/>.</summary>
internal unsafe struct UserBlockVisitor<TSpec, TVisitor> : IBlockVisitor
    where TSpec : struct, IHeapSpec
    where TVisitor : IHeapBlockVisitor
{
    public TVisitor Inner;

    public bool Visit(void* block, nuint blockSize, Page* page)
    {
        var usable = HeapCheck<TSpec>.HasCanary ? HeapCheck<TSpec>.RequestedSize(page, block) : blockSize;
        return Inner.Visit(new HeapBlock((nint)block, blockSize, usable));
    }
}
