using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using DefaultSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SizeClassSpecParameters>;
using SingleSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SingleThreadSpecParameters>;

namespace Heapsmith.Tests.Engine;

public unsafe class HeapApiTests
{
    [Fact]
    public void Freed_small_blocks_are_reused()
    {
        using var arena = new ArenaHeap<DefaultSpec>();
        var first = new HashSet<nint>();
        for (var i = 0; i < 1000; i++)
        {
            first.Add((nint)arena.Alloc(100));
        }

        var reserved = arena.GetStats().BytesReserved;
        foreach (var block in first)
        {
            arena.Free((void*)block);
        }

        var reused = 0;
        for (var i = 0; i < 1000; i++)
        {
            reused += first.Contains((nint)arena.Alloc(100)) ? 1 : 0;
        }

        // New addresses may come only from the untouched end of the page that was in use last.
        Assert.True(reused >= 800, $"{reused} of 1000 blocks reused");
        Assert.Equal(reserved, arena.GetStats().BytesReserved);
    }

    [Fact]
    public void Live_blocks_of_all_kinds_are_distinct_and_hold_their_contents()
    {
        var sizes = new nuint[] { 1, 16, 17, 100, 1000, 16384, 16385, 70000, 1 << 20, 3 << 20, 9 << 20 };
        var blocks = new List<(nint Block, nuint Size, byte Fill)>();
        for (var round = 0; round < 3; round++)
        {
            foreach (var size in sizes)
            {
                var block = (byte*)StaticHeap<DefaultSpec>.Alloc(size);
                var fill = (byte)(blocks.Count + 1);
                new Span<byte>(block, (int)size).Fill(fill);
                blocks.Add(((nint)block, size, fill));
            }
        }

        foreach (var (block, size, fill) in blocks)
        {
            Assert.True(new Span<byte>((void*)block, (int)size).IndexOfAnyExcept(fill) < 0, $"block of {size} bytes was overwritten");
            Assert.True(StaticHeap<DefaultSpec>.Owns((void*)block));
            StaticHeap<DefaultSpec>.Free((void*)block);
        }
    }

    [Fact]
    public void Large_and_huge_blocks_have_the_expected_alignment_and_usable_size()
    {
        var large = StaticHeap<DefaultSpec>.Alloc(100_000);
        Assert.Equal(0ul, (ulong)large % 65536);
        Assert.Equal((nuint)102400, StaticHeap<DefaultSpec>.UsableSize(large));
        var huge = StaticHeap<DefaultSpec>.Alloc(5 << 20);
        Assert.Equal((nuint)(5 << 20), StaticHeap<DefaultSpec>.UsableSize(huge));
        Assert.Equal(0ul, (ulong)huge % 16);
        StaticHeap<DefaultSpec>.Free(large);
        StaticHeap<DefaultSpec>.Free(huge);
        Assert.False(StaticHeap<DefaultSpec>.Owns(huge), "a freed huge block is unmapped");
    }

    [Fact]
    public void Owns_is_false_for_foreign_and_interior_pointers()
    {
        var native = NativeMemory.Alloc(64);
        var local = 0L;
        var block = (byte*)StaticHeap<DefaultSpec>.Alloc(64);
        try
        {
            Assert.False(StaticHeap<DefaultSpec>.Owns(native));
            Assert.False(StaticHeap<DefaultSpec>.Owns(&local));
            Assert.False(StaticHeap<DefaultSpec>.Owns(null));
            Assert.True(StaticHeap<DefaultSpec>.Owns(block));
            Assert.False(StaticHeap<DefaultSpec>.Owns(block + 16));
            Assert.False(StaticHeap<SingleSpec>.Owns(block), "a block of another heap type");

            // Foreign frees are ignored and leave the heap working.
            StaticHeap<DefaultSpec>.Free(native);
            StaticHeap<DefaultSpec>.Free(&local);
            StaticHeap<DefaultSpec>.Free(null);
            Assert.Equal((nuint)0, StaticHeap<DefaultSpec>.UsableSize(native));
            Assert.Throws<ArgumentException>(() => StaticHeap<DefaultSpec>.Realloc(native, 10));
        }
        finally
        {
            StaticHeap<DefaultSpec>.Free(block);
            NativeMemory.Free(native);
        }
    }

    [Fact]
    public void Realloc_keeps_contents_and_resizes_large_blocks_in_place()
    {
        var p = (byte*)StaticHeap<DefaultSpec>.Realloc(null, 40);
        for (var i = 0; i < 40; i++)
        {
            p[i] = (byte)i;
        }

        p = (byte*)StaticHeap<DefaultSpec>.Realloc(p, 48);
        p = (byte*)StaticHeap<DefaultSpec>.Realloc(p, 20000);
        for (var i = 0; i < 40; i++)
        {
            Assert.Equal((byte)i, p[i]);
        }

        // Shrinking a large run keeps the block; growing it again takes back the freed tail.
        var large = (byte*)StaticHeap<DefaultSpec>.Alloc(600_000);
        large[599_999] = 7;
        var shrunk = (byte*)StaticHeap<DefaultSpec>.Realloc(large, 200_000);
        Assert.True(shrunk == large);
        Assert.Equal((nuint)200_704, StaticHeap<DefaultSpec>.UsableSize(shrunk));
        var grown = (byte*)StaticHeap<DefaultSpec>.Realloc(shrunk, 500_000);
        Assert.True(grown == large, "grows in place into the free units after it");
        Assert.Equal((nuint)503_808, StaticHeap<DefaultSpec>.UsableSize(grown));

        // Small sizes stay in place within half of their block.
        var small = StaticHeap<DefaultSpec>.Alloc(1000);
        Assert.True(StaticHeap<DefaultSpec>.Realloc(small, 900) == small);
        StaticHeap<DefaultSpec>.Free(StaticHeap<DefaultSpec>.Realloc(small, 10));
        StaticHeap<DefaultSpec>.Free(grown);
        StaticHeap<DefaultSpec>.Free(p);
    }

    [Fact]
    public void Huge_blocks_shrink_in_place_and_move_when_they_outgrow_their_mapping()
    {
        var huge = (byte*)StaticHeap<DefaultSpec>.Alloc(8 << 20);
        huge[0] = 42;
        Assert.True(StaticHeap<DefaultSpec>.Realloc(huge, 6 << 20) == huge);
        Assert.Equal((nuint)(6 << 20), StaticHeap<DefaultSpec>.UsableSize(huge));
        var moved = (byte*)StaticHeap<DefaultSpec>.Realloc(huge, 20 << 20);
        Assert.Equal(42, moved[0]);
        moved[(20 << 20) - 1] = 1;
        StaticHeap<DefaultSpec>.Free(moved);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(32)]
    [InlineData(64)]
    [InlineData(4096)]
    [InlineData(65536)]
    [InlineData(1 << 20)]
    [InlineData(8 << 20)]
    public void Aligned_alloc_honours_any_power_of_two(int alignment)
    {
        foreach (var size in new nuint[] { 0, 1, 24, 100, 3000, 20000, 300_000, 3 << 20 })
        {
            var block = (byte*)StaticHeap<DefaultSpec>.AlignedAlloc(size, (nuint)alignment);
            Assert.Equal(0ul, (ulong)block % (ulong)alignment);
            Assert.True(StaticHeap<DefaultSpec>.UsableSize(block) >= size);
            Assert.True(StaticHeap<DefaultSpec>.Owns(block));
            if (size > 0)
            {
                block[size - 1] = 1;
            }

            StaticHeap<DefaultSpec>.Free(block);
        }
    }

    [Fact]
    public void Aligned_alloc_rejects_alignments_that_are_not_powers_of_two()
    {
        Assert.Throws<ArgumentException>(() => StaticHeap<DefaultSpec>.AlignedAlloc(10, 0));
        Assert.Throws<ArgumentException>(() => StaticHeap<DefaultSpec>.AlignedAlloc(10, 48));
    }

    [Fact]
    public void Alloc_zeroed_clears_reused_memory_and_rejects_overflow()
    {
        foreach (var size in new nuint[] { 8, 1000, 16384, 40000, 3 << 20 })
        {
            var dirty = (byte*)StaticHeap<DefaultSpec>.Alloc(size);
            new Span<byte>(dirty, (int)size).Fill(0xAB);
            StaticHeap<DefaultSpec>.Free(dirty);
            var zeroed = (byte*)StaticHeap<DefaultSpec>.AllocZeroed(size, 1);
            Assert.True(new Span<byte>(zeroed, (int)size).IndexOfAnyExcept((byte)0) < 0, $"AllocZeroed({size}) is not zero");
            StaticHeap<DefaultSpec>.Free(zeroed);
        }

        Assert.Throws<OutOfMemoryException>(() => StaticHeap<DefaultSpec>.AllocZeroed(nuint.MaxValue / 2, 3));
        Assert.Throws<OutOfMemoryException>(() => StaticHeap<DefaultSpec>.Alloc(nuint.MaxValue - 100));
        Assert.True(StaticHeap<DefaultSpec>.TryAlloc(nuint.MaxValue / 2) == null);
    }

    [Fact]
    public void Sized_free_frees()
    {
        var before = StaticHeap<SingleSpec>.GetStats();
        var a = StaticHeap<SingleSpec>.Alloc(200);
        StaticHeap<SingleSpec>.Free(a, 200);
        var after = StaticHeap<SingleSpec>.GetStats();
        Assert.Equal(before.Frees + 1, after.Frees);
        Assert.Equal(before.BytesInUse, after.BytesInUse);
    }
}
