using System;
using System.Collections.Generic;
using LimitSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.LimitSpecParameters>;

namespace Heapsmith.Tests.Engine;

/// <summary>
/// The memory limit (docs/API.md, "Memory limit"): every allocation path driven into it fails
/// cleanly, the heap stays intact, and frees and Trim make room again. The spec never purges on a
/// timer, so nothing here depends on time.
/// </summary>
public unsafe class MemoryLimitTests
{
    private const long Segment = 4 << 20;

    /// <summary>Allocates with <paramref name="alloc"/> until it returns null (failing past twice the limit); each block is filled with its index.</summary>
    private static List<nint> FillToLimit(ArenaHeap<LimitSpec> arena, nuint size, Func<nint> alloc)
    {
        var blocks = new List<nint>();
        while (true)
        {
            var block = alloc();
            if (block == 0)
            {
                return blocks;
            }

            new Span<byte>((void*)block, (int)size).Fill((byte)blocks.Count);
            blocks.Add(block);
            Assert.True((long)blocks.Count * (long)size <= 2 * arena.GetStats().MemoryLimit, "the limit never refused");
        }
    }

    /// <summary>What a refusal must leave: the limit respected, every block intact and owned, the counters right.</summary>
    private static void AssertIntact(ArenaHeap<LimitSpec> arena, List<nint> blocks, nuint size, long limit)
    {
        var stats = arena.GetStats();
        Assert.Equal(limit, stats.MemoryLimit);
        Assert.True(arena.Core.LimitedBytes <= limit, $"{arena.Core.LimitedBytes} counted over a limit of {limit}");
        Assert.True(stats.BytesCommitted <= limit);
        Assert.Equal(blocks.Count, stats.Allocations);
        for (var i = 0; i < blocks.Count; i++)
        {
            Assert.True(arena.Owns((void*)blocks[i]));
            Assert.True(new Span<byte>((void*)blocks[i], (int)size).IndexOfAnyExcept((byte)i) < 0, $"block {i} changed");
        }
    }

    private static void AssertLimitMessage(OutOfMemoryException e, long limit)
    {
        Assert.Contains(LimitSpec.Name, e.Message);
        Assert.Contains($"memory limit of {limit} bytes", e.Message);
    }

    [Theory]
    [InlineData(100)] // small
    [InlineData(100_000)] // large
    public void Small_and_large_blocks_stop_at_the_limit_and_a_free_makes_room(int size)
    {
        using var arena = new ArenaHeap<LimitSpec>();
        arena.SetMemoryLimit(Segment);
        var blocks = FillToLimit(arena, (nuint)size, () => (nint)arena.TryAlloc((nuint)size));
        Assert.NotEmpty(blocks);
        var e = Assert.Throws<OutOfMemoryException>(() => arena.Alloc((nuint)size));
        AssertLimitMessage(e, Segment);
        AssertIntact(arena, blocks, (nuint)size, Segment);

        // One segment, all of it counted: a free gives room for the next block of the same size.
        Assert.Equal(Segment, arena.Core.LimitedBytes);
        arena.Free((void*)blocks[^1]);
        Assert.True(arena.TryAlloc((nuint)size) != null);
    }

    [Fact]
    public void Huge_blocks_stop_at_the_limit_and_a_free_makes_room()
    {
        const nuint size = 3 << 20; // above LargeMax (2 MiB): a mapping of its own
        const long limit = 2 * Segment;
        using var arena = new ArenaHeap<LimitSpec>();
        arena.SetMemoryLimit(limit);
        var blocks = FillToLimit(arena, size, () => (nint)arena.TryAlloc(size));
        Assert.Equal(2, blocks.Count); // 3 MiB and a header each: a third would pass 8 MiB
        AssertLimitMessage(Assert.Throws<OutOfMemoryException>(() => arena.Alloc(size)), limit);
        AssertIntact(arena, blocks, size, limit);

        arena.Free((void*)blocks[0]);
        Assert.True(arena.TryAlloc(size) != null);
    }

    [Theory]
    [InlineData(100, 64)] // a small class whose blocks are 64-aligned
    [InlineData(100_000, 65536)] // a large run
    [InlineData(1 << 20, 1 << 20)] // aligned past a page unit: a huge mapping
    public void Aligned_blocks_stop_at_the_limit(int size, int alignment)
    {
        using var arena = new ArenaHeap<LimitSpec>();
        arena.SetMemoryLimit(Segment);
        var blocks = FillToLimit(arena, (nuint)size, () =>
        {
            try
            {
                return (nint)arena.AlignedAlloc((nuint)size, (nuint)alignment);
            }
            catch (OutOfMemoryException e)
            {
                AssertLimitMessage(e, Segment);
                return 0;
            }
        });
        Assert.NotEmpty(blocks);
        Assert.All(blocks, b => Assert.Equal(0, b % alignment));
        AssertIntact(arena, blocks, (nuint)size, Segment);
    }

    [Fact]
    public void Zeroed_blocks_stop_at_the_limit()
    {
        using var arena = new ArenaHeap<LimitSpec>();
        arena.SetMemoryLimit(Segment);
        var blocks = FillToLimit(arena, 3000, () =>
        {
            try
            {
                return (nint)arena.AllocZeroed(3, 1000);
            }
            catch (OutOfMemoryException e)
            {
                AssertLimitMessage(e, Segment);
                return 0;
            }
        });
        Assert.NotEmpty(blocks);
        AssertIntact(arena, blocks, 3000, Segment);
    }

    [Fact]
    public void A_realloc_past_the_limit_leaves_the_block_intact_and_owned()
    {
        using var arena = new ArenaHeap<LimitSpec>();
        arena.SetMemoryLimit(Segment);
        var block = (byte*)arena.Alloc(1 << 20);
        new Span<byte>(block, 1 << 20).Fill(9);

        // Growing to a huge block needs a mapping the limit does not allow; so does growing a small one into it.
        AssertLimitMessage(Assert.Throws<OutOfMemoryException>(() => arena.Realloc(block, 3 << 20)), Segment);
        var small = (byte*)arena.Alloc(100);
        AssertLimitMessage(Assert.Throws<OutOfMemoryException>(() => arena.Realloc(small, 3 << 20)), Segment);
        Assert.True(new Span<byte>(block, 1 << 20).IndexOfAnyExcept((byte)9) < 0);
        Assert.True(arena.Owns(block) && arena.Owns(small));
        Assert.Equal((nuint)(1 << 20), arena.UsableSize(block));

        // Inside the limit it still moves and grows.
        var grown = (byte*)arena.Realloc(block, 1_500_000);
        Assert.True(new Span<byte>(grown, 1 << 20).IndexOfAnyExcept((byte)9) < 0);
    }

    [Fact]
    public void Trim_makes_room_that_frees_alone_do_not()
    {
        using var arena = new ArenaHeap<LimitSpec>();
        arena.SetMemoryLimit(Segment);
        var blocks = FillToLimit(arena, 100_000, () => (nint)arena.TryAlloc(100_000));
        foreach (var block in blocks)
        {
            arena.Free((void*)block);
        }

        // The emptied segment is kept (its units dirty, so counted): a 3 MiB mapping would pass 6 MiB.
        const long limit = 6 << 20;
        arena.SetMemoryLimit(limit);
        Assert.Equal(Segment, arena.Core.LimitedBytes);
        Assert.True(arena.TryAlloc(3 << 20) == null);

        // Trim purges the free units; the limit no longer counts them.
        arena.Trim();
        Assert.True(arena.Core.LimitedBytes <= 2 << 20, $"{arena.Core.LimitedBytes} counted after Trim");
        Assert.True(arena.TryAlloc(3 << 20) != null);
    }

    [Fact]
    public void A_purged_span_is_committed_again_only_within_the_limit()
    {
        using var arena = new ArenaHeap<LimitSpec>();
        var filler = arena.Alloc(2 << 20);
        arena.Free(filler);
        arena.Trim(); // the segment's units are purged: nothing but its header counts
        var counted = arena.Core.LimitedBytes;
        arena.SetMemoryLimit(counted + (1 << 20));
        Assert.True(arena.TryAlloc(2 << 20) == null, "two purged MiB would pass the limit");
        Assert.True(arena.TryAlloc(500_000) != null, "half a MiB fits");
        Assert.True(arena.Core.LimitedBytes <= counted + (1 << 20));
    }

    [Fact]
    public void A_limit_set_at_run_time_applies_at_once_and_0_removes_it()
    {
        using var arena = new ArenaHeap<LimitSpec>();
        var first = arena.Alloc(3 << 20);
        Assert.Equal(0, arena.GetStats().MemoryLimit);

        // Below what the heap holds: nothing is taken away, but the heap cannot grow.
        arena.SetMemoryLimit(Segment);
        Assert.True(arena.TryAlloc(3 << 20) == null);
        Assert.True(arena.Owns(first));
        arena.SetMemoryLimit(0);
        Assert.True(arena.TryAlloc(3 << 20) != null);
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.SetMemoryLimit(-1));
    }

    [Fact]
    public void An_os_refusal_after_a_limit_refusal_is_not_reported_as_the_limit()
    {
        using var arena = new ArenaHeap<LimitSpec>();
        arena.SetMemoryLimit(Segment);
        Assert.True(arena.TryAlloc(8 << 20) == null); // the limit's refusal, never reported

        // A mapping past what any address space holds: the engine refuses it as the OS would.
        var e = Assert.Throws<OutOfMemoryException>(() => arena.Alloc(nuint.MaxValue / 2));
        Assert.DoesNotContain("memory limit", e.Message);
    }
}
