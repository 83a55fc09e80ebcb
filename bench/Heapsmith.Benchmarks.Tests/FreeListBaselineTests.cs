using System;
using System.Collections.Generic;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Tests;

public unsafe class FreeListBaselineTests
{
    [Fact]
    public void A_freed_block_is_the_next_one_handed_out_for_its_class()
    {
        var first = FreeListBaseline.Alloc(40);
        FreeListBaseline.Free(first);
        Assert.Equal((nint)first, (nint)FreeListBaseline.Alloc(48));
        FreeListBaseline.Free(first);
    }

    [Fact]
    public void Blocks_of_a_class_are_distinct_large_enough_and_span_several_chunks()
    {
        foreach (nuint size in new nuint[] { 16, 24, 256, 1000, 4096 })
        {
            var blocks = new List<nint>();
            var seen = new HashSet<nint>();
            // More blocks than one 64 KiB chunk holds, so refill runs more than once.
            var count = (int)(3 * 65536 / Math.Max(size, 16));
            for (var i = 0; i < count; i++)
            {
                var block = (byte*)FreeListBaseline.Alloc(size);
                Assert.True(FreeListBaseline.BlockSize(block) >= size);
                Assert.Equal(0, (nint)block & 15);
                Assert.True(seen.Add((nint)block));
                new Span<byte>(block, (int)size).Fill(0xEE);
                blocks.Add((nint)block);
            }

            // No two blocks overlap: sorted, each starts at or after the previous one's end.
            blocks.Sort();
            for (var i = 1; i < blocks.Count; i++)
            {
                Assert.True(blocks[i] - blocks[i - 1] >= (nint)FreeListBaseline.BlockSize((void*)blocks[i - 1]));
            }

            foreach (var block in blocks)
            {
                FreeListBaseline.Free((void*)block);
            }
        }
    }

    [Fact]
    public void Large_classes_get_a_chunk_each_and_grow_in_place_within_their_class()
    {
        var block = (byte*)FreeListBaseline.Alloc(5000);
        Assert.Equal((nuint)8192, FreeListBaseline.BlockSize(block));
        Assert.Equal(0, (nint)block & 15);
        new Span<byte>(block, 8192).Fill(0xAB);
        Assert.Equal((nint)block, (nint)FreeListBaseline.Realloc(block, 8000));
        var grown = (byte*)FreeListBaseline.Realloc(block, 65536);
        Assert.Equal((nuint)65536, FreeListBaseline.BlockSize(grown));
        Assert.Equal(0xAB, grown[8191]);
        FreeListBaseline.Free(grown);
        Assert.Equal((nint)grown, (nint)FreeListBaseline.Alloc(40000));
        FreeListBaseline.Free(grown);
    }

    [Fact]
    public void A_thread_that_never_allocated_may_free()
    {
        var block = FreeListBaseline.Alloc(100);
        var thread = new System.Threading.Thread(() => FreeListBaseline.Free(block));
        thread.Start();
        thread.Join();
    }

    [Fact]
    public void Sizes_above_its_range_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => (nint)FreeListBaseline.Alloc(FreeListBaseline.MaxSize + 1));
    }

    [Fact]
    public void Realloc_keeps_the_contents()
    {
        var block = (byte*)FreeListBaseline.Alloc(32);
        for (var i = 0; i < 32; i++)
        {
            block[i] = (byte)i;
        }

        var grown = (byte*)FreeListBaseline.Realloc(block, 3000);
        for (var i = 0; i < 32; i++)
        {
            Assert.Equal((byte)i, grown[i]);
        }

        FreeListBaseline.Free(grown);
    }
}
