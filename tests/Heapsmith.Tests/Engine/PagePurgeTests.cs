using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using Heapsmith.Engine;
using Heapsmith.Os;
using CheckedSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.MmapCheckedSpecParameters>;
using Spec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.PagePurgeSpecParameters>;

namespace Heapsmith.Tests.Engine;

// In-page purge (PagePurge.cs): the OS pages inside a small page that hold only free blocks go back
// to the OS while the page keeps its live blocks; a later refill brings them back. The kernel is
// asked (mincore) that freed memory left and that live blocks stayed; random sequences check that
// purging and refilling never hand out a block twice nor lose a live block's contents.
public unsafe class PagePurgeTests
{
    [Fact]
    public void Trim_gives_back_the_free_OS_pages_inside_pages_that_keep_live_blocks()
    {
        using var arena = new ArenaHeap<Spec>();
        var blocks = AllocFilled(arena, 2000, 1024);
        var (kept, freed) = FreeAllBut(arena, blocks, keepEvery: 10);
        var committedBefore = arena.GetStats().BytesCommitted;

        arena.Trim();

        var stats = arena.GetStats();
        // Every 10th 1 KiB block kept: 3 of every 5 OS pages hold only free blocks (60% of 2000 KiB),
        // less the current page, which Trim leaves for the next allocation.
        var dropped = committedBefore - stats.BytesCommitted;
        Assert.True(dropped >= 2000L * 1024 / 2, $"committed {committedBefore >> 10} KiB -> {stats.BytesCommitted >> 10} KiB");
        if (OperatingSystem.IsLinux())
        {
            var residentFreed = freed.Count(b => IsFreeOsPage(b, kept) && ProcessMemory.ResidentPageCount((void*)b, 1) != 0);
            Assert.Equal(0, residentFreed);
            Assert.All(kept, b => Assert.True(ProcessMemory.IsResident((void*)b, 1024)));
        }

        AssertFilled(kept, 1024);
    }

    [Fact]
    public void A_heap_about_to_grow_purges_its_sparse_pages_first()
    {
        using var arena = new ArenaHeap<Spec>();
        var blocks = AllocFilled(arena, 3000, 2048);
        var (kept, _) = FreeAllBut(arena, blocks, keepEvery: 8);
        var purgedBefore = arena.GetStats().BytesPurged;

        // Another class grows the heap by many pages; no Trim.
        var other = AllocFilled(arena, 1500, 4000);
        var purged = arena.GetStats().BytesPurged - purgedBefore;
        Assert.True(purged >= 3000L * 2048 / 2, $"the sparse 2 KiB pages gave back {purged >> 10} KiB");
        AssertFilled(kept, 2048);
        AssertFilled(other, 4000);
    }

    [Fact]
    public void Refilling_a_purged_page_hands_out_each_free_block_once()
    {
        using var arena = new ArenaHeap<Spec>();
        var blocks = AllocFilled(arena, 640, 1024); // 10 pages of 64 blocks
        var (kept, _) = FreeAllBut(arena, blocks, keepEvery: 7);
        arena.Trim();

        // Take every block back: the free ones come from the purged parts, none twice.
        var again = AllocFilled(arena, 640 - kept.Count, 1024);
        var all = kept.Concat(again).OrderBy(b => b).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.Equal(blocks.OrderBy(b => b), all);
        AssertFilled(kept, 1024);
    }

    [Fact]
    public void A_double_free_of_a_block_in_a_purged_part_is_caught()
    {
        using var arena = new ArenaHeap<CheckedSpec>();
        var blocks = new List<nint>();
        for (var i = 0; i < 640; i++)
        {
            blocks.Add((nint)arena.Alloc(1000));
        }

        for (var i = 1; i < blocks.Count; i++)
        {
            arena.Free((void*)blocks[i]);
        }

        arena.Trim();
        var purged = blocks.Skip(1).First(b => PagePurge<CheckedSpec>.IsInPurgedPart(SegmentLayout<CheckedSpec>.PageOf((void*)b), (void*)b));
        var caught = Assert.Throws<HeapCorruptionException>(() => arena.Free((void*)purged));
        Assert.Contains("double free", caught.Message);

        // The heap goes on: every free block comes back once.
        var again = new List<nint>();
        for (var i = 1; i < blocks.Count; i++)
        {
            again.Add((nint)arena.Alloc(1000));
        }

        Assert.Equal(blocks.Skip(1).OrderBy(b => b), again.OrderBy(b => b));
    }

    [Fact]
    public void Random_purges_and_refills_keep_every_block_distinct_and_intact()
    {
        var sizes = new[] { 48, 100, 700, 1024, 1500, 3000, 5000, 9000 };
        Gen.Select(Gen.Int[0, int.MaxValue], Gen.Int[2, 6]).Sample((seed, rounds) =>
        {
            using var arena = new ArenaHeap<Spec>();
            var random = new Random(seed);
            var live = new List<(nint Block, int Size, byte Fill)>();
            for (var round = 0; round < rounds; round++)
            {
                var size = sizes[random.Next(sizes.Length)];
                var count = random.Next(50, 700);
                for (var i = 0; i < count; i++)
                {
                    var s = size - random.Next(0, 16);
                    var fill = (byte)random.Next(1, 255);
                    var block = (byte*)arena.Alloc((nuint)s);
                    new Span<byte>(block, s).Fill(fill);
                    live.Add(((nint)block, s, fill));
                }

                // Free most, at random: pages become sparse.
                for (var i = live.Count - 1; i >= 0; i--)
                {
                    if (random.Next(10) < 8)
                    {
                        arena.Free((void*)live[i].Block);
                        live[i] = live[^1];
                        live.RemoveAt(live.Count - 1);
                    }
                }

                if (random.Next(2) == 0)
                {
                    arena.Trim();
                }

                Check(arena, live);
            }

            foreach (var item in live)
            {
                arena.Free((void*)item.Block);
            }

            Assert.Equal(0, arena.GetStats().BytesInUse);
        }, iter: 40);
    }

    private static void Check(ArenaHeap<Spec> arena, List<(nint Block, int Size, byte Fill)> live)
    {
        var ranges = live.Select(x => (Start: (nuint)x.Block, End: (nuint)x.Block + arena.UsableSize((void*)x.Block))).OrderBy(r => r.Start).ToArray();
        for (var i = 1; i < ranges.Length; i++)
        {
            Assert.True(ranges[i - 1].End <= ranges[i].Start, $"blocks 0x{ranges[i - 1].Start:x} and 0x{ranges[i].Start:x} overlap");
        }

        foreach (var (block, size, fill) in live)
        {
            Assert.True(new Span<byte>((void*)block, size).IndexOfAnyExcept(fill) < 0, $"0x{block:x} ({size} B) lost its contents");
        }
    }

    private static List<nint> AllocFilled(ArenaHeap<Spec> arena, int count, int size)
    {
        var blocks = new List<nint>(count);
        for (var i = 0; i < count; i++)
        {
            var block = (byte*)arena.Alloc((nuint)size);
            new Span<byte>(block, size).Fill((byte)(0x40 + (size & 0x3F)));
            blocks.Add((nint)block);
        }

        return blocks;
    }

    private static void AssertFilled(List<nint> blocks, int size)
    {
        foreach (var block in blocks)
        {
            Assert.True(new Span<byte>((void*)block, size).IndexOfAnyExcept((byte)(0x40 + (size & 0x3F))) < 0, $"0x{block:x} lost its contents");
        }
    }

    private static (List<nint> Kept, List<nint> Freed) FreeAllBut(ArenaHeap<Spec> arena, List<nint> blocks, int keepEvery)
    {
        var kept = new List<nint>();
        var freed = new List<nint>();
        for (var i = 0; i < blocks.Count; i++)
        {
            if (i % keepEvery == 0)
            {
                kept.Add(blocks[i]);
            }
            else
            {
                arena.Free((void*)blocks[i]);
                freed.Add(blocks[i]);
            }
        }

        return (kept, freed);
    }

    /// <summary>Whether the OS page of <paramref name="block"/> holds none of the kept blocks (so it may be purged).</summary>
    private static bool IsFreeOsPage(nint block, List<nint> kept)
    {
        var page = block & ~(nint)4095;
        return !kept.Any(k => k + 1024 > page && k < page + 4096);
    }
}
