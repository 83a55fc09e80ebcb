using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>
/// The brk backend on the process's real break, beside glibc's malloc, which grows its main arena
/// with the same break. The break is process-wide: these run in the collection that runs alone.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(OsGlobalStateCollection.Name)]
public sealed unsafe class BrkProcessTests
{
    private const nuint KiB = 1024;
    private const nuint MiB = 1024 * KiB;

    /// <summary>A size no hole left by earlier tests can hold, so the region comes from the top.</summary>
    private static nuint SizeAboveEveryHole()
    {
        var largest = BreakRegions<GlibcProgramBreak>.Holes.Select(h => h.End - h.Start).DefaultIfEmpty().Max();
        return OsPages.AlignUp(largest + (64 * KiB), 64 * KiB);
    }

    [Fact]
    public void Release_at_the_top_shrinks_the_break_and_unmaps()
    {
        var size = SizeAboveEveryHole();
        var p = BrkBackend.Reserve(size, 64 * KiB);
        Assert.True(p != null);
        Assert.Equal((nuint)p + size, GlibcMalloc.Break);
        Patterns.Fill(p, size, key: 21);

        BrkBackend.Release(p, size);
        Assert.True(GlibcMalloc.Break <= (nuint)p, $"break {GlibcMalloc.Break:x} still above {(nuint)p:x}");
        Assert.Equal((nuint)0, ProcessMemory.MappedPageCount(p, size));
    }

    [Fact]
    public void Release_below_the_top_purges_and_the_region_is_reused()
    {
        var size = SizeAboveEveryHole();
        var low = BrkBackend.Reserve(size, 64 * KiB);
        var highSize = SizeAboveEveryHole();
        var high = BrkBackend.Reserve(highSize, 64 * KiB);
        Assert.True(low != null && high != null);
        Patterns.Fill(low, size, key: 22);
        Patterns.Fill(high, highSize, key: 23);

        BrkBackend.Release(low, size);
        Assert.Equal((nuint)high + highSize, GlibcMalloc.Break);
        Assert.True(ProcessMemory.IsMapped(low, size), "below the top the break cannot move");
        Assert.Equal((nuint)0, ProcessMemory.ResidentPageCount(low, size));

        var again = BrkBackend.Reserve(size, 64 * KiB);
        Assert.True(again == low, "the released region is reused");
        Assert.Equal(-1L, Patterns.FirstNonZero(again, size));
        Assert.Equal(-1L, Patterns.FirstMismatch(high, highSize, key: 23));

        BrkBackend.Release(again, size);
        BrkBackend.Release(high, highSize);
        Assert.True(GlibcMalloc.Break <= (nuint)low, "releasing the top region gives back the hole below too");
    }

    [Fact]
    public void An_absurd_sbrk_is_refused_with_null_and_moves_nothing()
    {
        var before = GlibcMalloc.Break;
        Assert.True(BrkBackend.Reserve((nuint)1 << 50, 64 * KiB) == null);
        Assert.True(BrkBackend.Reserve((nuint)1 << 46, 4 * MiB) == null);
        Assert.Equal(before, GlibcMalloc.Break);

        var p = BrkBackend.Reserve(64 * KiB, 64 * KiB);
        Assert.True(p != null, "the backend serves again after a refusal");
        BrkBackend.Release(p, 64 * KiB);
    }

    [Fact]
    public void Regions_interleaved_with_glibc_main_arena_blocks_never_overlap_them()
    {
        using var glibc = MainArenaThread.Find();
        Assert.NotNull(glibc);

        var random = new Random(20261126);
        var blocks = new List<Block>();
        var regions = new List<Block>();
        var glibcBreakMoves = 0;
        // Bytes glibc may allocate beyond three blocks a turn, in all: more than the free memory its
        // arenas hold (earlier tests' frees below a brk region it cannot trim, in any amount), so it
        // must grow the break before the budget runs out. A fixed 256 MiB was absorbed by such holes
        // on busy runs ("glibc moved the break 0 times").
        var extraBudget = (long)GlibcMalloc.FreeBytes() + (256L << 20);
        ulong key = 1;
        try
        {
            for (var round = 0; round < 200; round++)
            {
                // glibc's turn, on its main-arena thread: blocks below the mmap threshold (128 KiB)
                // come from the main arena's top, which glibc extends with sbrk.
                glibc.Invoke(() =>
                {
                    // At least three blocks, and more until glibc grows the break (free memory that
                    // earlier tests left in its main arena would otherwise absorb them all).
                    var turnStart = GlibcMalloc.Break;
                    for (var i = 0; i < 3 || (GlibcMalloc.Break == turnStart && extraBudget > 0); i++)
                    {
                        var size = (nuint)random.Next(1024, 96 * 1024);
                        extraBudget -= i >= 3 ? (long)size : 0;
                        var before = GlibcMalloc.Break;
                        var p = NativeMemory.Alloc(size);
                        glibcBreakMoves += GlibcMalloc.Break != before ? 1 : 0;
                        Assert.True(MainArenaThread.IsMainArenaBlock(p));
                        Patterns.Fill(p, size, key);
                        blocks.Add(new Block((nuint)p, size, key++));
                    }

                    if (blocks.Count > 8 && random.Next(3) == 0)
                    {
                        FreeBlock(blocks, random.Next(blocks.Count));
                    }
                });

                // Ours, on the test thread.
                if (regions.Count > 4 && random.Next(3) == 0)
                {
                    ReleaseRegion(regions, random.Next(regions.Count));
                }
                else
                {
                    var size = (nuint)random.Next(1, 17) * 64 * KiB;
                    var alignment = random.Next(4) == 0 ? 1 * MiB : 64 * KiB;
                    var p = BrkBackend.Reserve(size, alignment);
                    Assert.True(p != null);
                    Assert.Equal(0UL, (ulong)p % alignment);
                    Assert.Equal(-1L, Patterns.FirstNonZero(p, size));
                    Patterns.Fill(p, size, key);
                    regions.Add(new Block((nuint)p, size, key++));
                }
            }

            foreach (var block in blocks.Concat(regions))
            {
                Assert.Equal(-1L, Patterns.FirstMismatch((void*)block.Address, block.Size, block.Key));
            }

            AssertDisjoint(blocks, regions);

            // The test means something only if glibc grew the break between our regions.
            Assert.True(glibcBreakMoves >= 10, $"glibc moved the break {glibcBreakMoves} times");
            var lowestRegion = regions.Min(r => r.Address);
            Assert.Contains(blocks, b => b.Address > lowestRegion);
        }
        finally
        {
            glibc?.Invoke(() =>
            {
                while (blocks.Count > 0)
                {
                    FreeBlock(blocks, blocks.Count - 1);
                }
            });
            while (regions.Count > 0)
            {
                ReleaseRegion(regions, regions.Count - 1);
            }
        }
    }

    [Fact]
    public void Concurrent_reservations_from_several_threads_never_overlap()
    {
        // The backend's lock is what makes its sbrk sequences atomic among themselves: three threads
        // reserve, fill, check and release at once, and every region must keep its own pattern.
        const int threads = 4;
        const int rounds = 2000;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var workers = Enumerable.Range(0, threads).Select(t => new System.Threading.Thread(() =>
        {
            var random = new Random(t);
            var live = new List<Block>();
            for (var round = 0; round < rounds; round++)
            {
                if (live.Count > 6 || (live.Count > 0 && random.Next(2) == 0))
                {
                    var index = random.Next(live.Count);
                    var region = live[index];
                    if (Patterns.FirstMismatch((void*)region.Address, region.Size, region.Key) >= 0)
                    {
                        failures.Enqueue($"thread {t}: region {region.Address:x} was overwritten");
                    }

                    BrkBackend.Release((void*)region.Address, region.Size);
                    live.RemoveAt(index);
                }
                else
                {
                    var size = (nuint)random.Next(1, 5) * 64 * KiB;
                    var p = BrkBackend.Reserve(size, 64 * KiB);
                    if (p == null || Patterns.FirstNonZero(p, size) >= 0)
                    {
                        failures.Enqueue($"thread {t}: reservation null or not zeroed");
                        continue;
                    }

                    var key = ((ulong)(uint)t << 32) | (uint)round;
                    Patterns.Fill(p, size, key);
                    live.Add(new Block((nuint)p, size, key));
                }
            }

            foreach (var region in live)
            {
                if (Patterns.FirstMismatch((void*)region.Address, region.Size, region.Key) >= 0)
                {
                    failures.Enqueue($"thread {t}: region {region.Address:x} was overwritten");
                }

                BrkBackend.Release((void*)region.Address, region.Size);
            }
        })).ToList();

        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        Assert.Empty(failures);
    }

    private static void FreeBlock(List<Block> blocks, int index)
    {
        var block = blocks[index];
        Assert.Equal(-1L, Patterns.FirstMismatch((void*)block.Address, block.Size, block.Key));
        NativeMemory.Free((void*)block.Address);
        blocks.RemoveAt(index);
    }

    private static void ReleaseRegion(List<Block> regions, int index)
    {
        var region = regions[index];
        Assert.Equal(-1L, Patterns.FirstMismatch((void*)region.Address, region.Size, region.Key));
        BrkBackend.Release((void*)region.Address, region.Size);
        regions.RemoveAt(index);
    }

    /// <summary>No region meets a glibc chunk, header and usable slack included.</summary>
    private static void AssertDisjoint(List<Block> blocks, List<Block> regions)
    {
        var chunks = blocks.Select(b => (Start: b.Address - GlibcMalloc.ChunkHeader, End: b.Address + GlibcMalloc.UsableSize((void*)b.Address)));
        foreach (var region in regions)
        {
            foreach (var chunk in chunks)
            {
                var disjoint = region.Address + region.Size <= chunk.Start || chunk.End <= region.Address;
                Assert.True(disjoint, $"region [{region.Address:x}, +{region.Size:x}) overlaps glibc chunk [{chunk.Start:x}, {chunk.End:x})");
            }
        }
    }

    private readonly record struct Block(nuint Address, nuint Size, ulong Key);
}
