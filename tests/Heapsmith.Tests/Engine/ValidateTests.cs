using System;
using System.Collections.Generic;
using Heapsmith.Engine;
using CanarySpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.CanarySpecParameters>;
using ValidateSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.ValidateSpecParameters>;

namespace Heapsmith.Tests.Engine;

// Validate walks every segment, span, page and list and names the invariant that broke; VisitBlocks
// reports exactly the live blocks, without allocating. (ModelTests and ThreadStressTests call
// Validate as they go.)
public unsafe class ValidateTests
{
    [Fact]
    public void A_busy_heap_validates_and_a_broken_invariant_is_named()
    {
        using var arena = new ArenaHeap<ValidateSpec>();
        var blocks = Busy(arena);
        arena.Validate();

        var a = (byte*)arena.Alloc(64);
        var b = (byte*)arena.Alloc(64);
        arena.Free(a);
        arena.Free(b); // b -> a -> ...
        var page = SegmentLayout<ValidateSpec>.PageOf(a);
        var link = *(nuint*)a;

        *(nuint*)a = (nuint)b; // a cycle: b -> a -> b
        Assert.Contains("once", Assert.Throws<HeapCorruptionException>(arena.Validate).Problem);
        *(nuint*)a = (nuint)(a + 8); // a link inside the page, not at a block
        Assert.Contains("carved block", Assert.Throws<HeapCorruptionException>(arena.Validate).Problem);
        *(nuint*)a = link;
        arena.Validate();

        page->Used++;
        var e = Assert.Throws<HeapCorruptionException>(arena.Validate);
        Assert.Contains("Used", e.Problem);
        Assert.Equal((nint)page, e.Pointer);
        page->Used--;

        var segment = SegmentLayout<ValidateSpec>.SegmentOf(a);
        segment->UsedUnits++;
        Assert.Contains("UsedUnits", Assert.Throws<HeapCorruptionException>(arena.Validate).Problem);
        segment->UsedUnits--;
        arena.Validate();

        foreach (var block in blocks)
        {
            arena.Free((void*)block);
        }

        arena.Validate();
    }

    [Fact]
    public void VisitBlocks_reports_exactly_the_live_blocks_without_allocating()
    {
        using var arena = new ArenaHeap<ValidateSpec>();
        var live = new HashSet<nint>(Busy(arena));
        var visitor = new Collect { Found = new nint[live.Count + 16], Arena = arena };
        var before = GC.GetAllocatedBytesForCurrentThread();
        arena.VisitBlocks(ref visitor);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
        Assert.Equal(live.Count, visitor.Count);
        Assert.True(live.SetEquals(visitor.Found[..visitor.Count]), "the live blocks and no other");
        Assert.Equal(0, visitor.WrongSizes);

        // A visitor that stops early is not called again.
        var first = new Stop();
        arena.VisitBlocks(ref first);
        Assert.Equal(1, first.Calls);
    }

    [Fact]
    public void VisitBlocks_reports_the_requested_size_as_usable_with_canaries()
    {
        using var arena = new ArenaHeap<CanarySpec>();
        var block = arena.Alloc(1000);
        var visitor = new Stop();
        arena.VisitBlocks(ref visitor);
        Assert.Equal((nint)block, visitor.Last.Address);
        Assert.Equal((nuint)1000, visitor.Last.UsableSize);
        Assert.True(visitor.Last.BlockSize >= 1000 + (nuint)HeapCheck<CanarySpec>.TrailerSize);
    }

    /// <summary>Blocks of every kind, some freed (locally and from another thread): returns the live ones.</summary>
    private static List<nint> Busy(ArenaHeap<ValidateSpec> arena)
    {
        var live = new List<nint>();
        var remote = new List<nint>();
        var random = new Random(15);
        for (var i = 0; i < 3000; i++)
        {
            var size = (nuint)(i % 500 == 0 ? 3_000_000 : i % 50 == 0 ? random.Next(16_385, 200_000) : random.Next(0, 2000));
            var block = (nint)arena.Alloc(size);
            switch (random.Next(4))
            {
                case 0:
                    arena.Free((void*)block);
                    break;
                case 1:
                    remote.Add(block);
                    break;
                default:
                    live.Add(block);
                    break;
            }
        }

        var thread = new System.Threading.Thread(() =>
        {
            foreach (var block in remote)
            {
                arena.Free((void*)block);
            }
        });
        thread.Start();
        thread.Join();
        return live;
    }

    private struct Collect : IHeapBlockVisitor
    {
        public nint[] Found;
        public int Count;
        public int WrongSizes;
        public ArenaHeap<ValidateSpec> Arena;

        public bool Visit(in HeapBlock block)
        {
            Found[Count++] = block.Address;
            WrongSizes += block.UsableSize == Arena.UsableSize((void*)block.Address) && block.BlockSize >= block.UsableSize ? 0 : 1;
            return true;
        }
    }

    private struct Stop : IHeapBlockVisitor
    {
        public int Calls;
        public HeapBlock Last;

        public bool Visit(in HeapBlock block)
        {
            Calls++;
            Last = block;
            return false;
        }
    }
}
