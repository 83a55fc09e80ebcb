using System;
using Heapsmith.Engine;
using CanarySpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.CanarySpecParameters>;

namespace Heapsmith.Tests.Engine;

// Checks.Canary (issue 15): every block records the size it was handed out for in a trailer at its
// end, with canary bytes between, so an overrun is caught at any free (plain or sized), at Realloc
// and at an arena's Dispose; UsableSize is the request (the padding excluded) and GoodSize follows.
public unsafe class CanaryTests
{
    /// <summary>1 B to 1 MiB: small classes, large runs and a huge block.</summary>
    private static readonly nuint[] Sizes = [1, 7, 8, 24, 100, 1000, 4096, 16_376, 16_384, 20_000, 300_000, 1 << 20, 3 << 20];

    [Fact]
    public void An_overrun_by_one_byte_is_caught_by_a_plain_free_at_every_size()
    {
        foreach (var size in Sizes)
        {
            var block = (byte*)StaticHeap<CanarySpec>.Alloc(size);
            block[size] ^= 1;
            var e = Assert.Throws<HeapCorruptionException>(() => StaticHeap<CanarySpec>.Free(block));
            Assert.Contains("overrun", e.Problem);
            Assert.Equal((nint)block, e.Pointer);
            Assert.True(StaticHeap<CanarySpec>.Owns(block), "the block is still live");
            block[size] ^= 1;
            StaticHeap<CanarySpec>.Free(block);
        }
    }

    [Fact]
    public void An_overrun_by_32_bytes_is_caught_by_a_plain_free()
    {
        foreach (var size in Sizes)
        {
            var block = (byte*)StaticHeap<CanarySpec>.Alloc(size);
            var saved = new byte[32];
            new Span<byte>(block + size, 32).CopyTo(saved);
            new Span<byte>(block + size, 32).Fill(0x41);
            Assert.Contains("overrun", Assert.Throws<HeapCorruptionException>(() => StaticHeap<CanarySpec>.Free(block)).Problem);
            saved.CopyTo(new Span<byte>(block + size, 32));
            StaticHeap<CanarySpec>.Free(block);
        }
    }

    [Fact]
    public void An_overrun_is_caught_by_realloc_before_anything_changes()
    {
        foreach (var size in Sizes)
        {
            var block = (byte*)StaticHeap<CanarySpec>.Alloc(size);
            block[0] = 42;
            block[size] ^= 1;
            Assert.Contains("overrun", Assert.Throws<HeapCorruptionException>(() => { StaticHeap<CanarySpec>.Realloc(block, size * 2); }).Problem);
            Assert.Contains("overrun", Assert.Throws<HeapCorruptionException>(() => { StaticHeap<CanarySpec>.Realloc(block, size); }).Problem);
            block[size] ^= 1;
            var moved = (byte*)StaticHeap<CanarySpec>.Realloc(block, size * 2);
            Assert.Equal(42, moved[0]);
            Assert.Equal(size * 2, StaticHeap<CanarySpec>.UsableSize(moved));
            StaticHeap<CanarySpec>.Free(moved, size * 2);
        }
    }

    [Fact]
    public void An_arena_reports_an_overrun_of_a_live_block_at_Dispose_and_still_releases_its_memory()
    {
        foreach (var size in new nuint[] { 40, 20_000, 3 << 20 })
        {
            var arena = new ArenaHeap<CanarySpec>();
            var live = (byte*)arena.Alloc(size);
            var freed = arena.Alloc(size);
            arena.Free(freed);
            live[size] ^= 1;
            var e = Assert.Throws<HeapCorruptionException>(arena.Dispose);
            Assert.Equal((nint)live, e.Pointer);
            Assert.True(arena.IsDisposed);
            Assert.Equal(0, arena.Core.GetStats().BytesReserved);
        }

        // Intact live blocks, freed ones (whatever their bytes) and Free(p, size) leave Dispose quiet.
        var quiet = new ArenaHeap<CanarySpec>();
        for (var i = 0; i < 1000; i++)
        {
            var block = (byte*)quiet.Alloc((nuint)(1 + i));
            if (i % 3 == 0)
            {
                quiet.Free(block, (nuint)(1 + i));
            }
        }

        quiet.Dispose();
    }

    [Fact]
    public void UsableSize_is_the_request_GoodSize_is_idempotent_and_writing_every_usable_byte_never_trips_a_check()
    {
        using var arena = new ArenaHeap<CanarySpec>();
        for (nuint size = 0; size <= 20_000; size += size < 600 ? 1u : 997u)
        {
            var good = StaticHeap<CanarySpec>.GoodSize(size);
            Assert.Equal(good, StaticHeap<CanarySpec>.GoodSize(good));
            var block = (byte*)StaticHeap<CanarySpec>.Alloc(size);
            Assert.Equal(good, StaticHeap<CanarySpec>.UsableSize(block));
            new Span<byte>(block, (int)good).Fill(HeapCheck<CanarySpec>.CanaryByte ^ 0xFF);
            block = (byte*)StaticHeap<CanarySpec>.Realloc(block, good);
            StaticHeap<CanarySpec>.Free(block, good);

            var fromArena = (byte*)arena.Alloc(size);
            Assert.Equal(arena.GoodSize(size), arena.UsableSize(fromArena));
            new Span<byte>(fromArena, (int)arena.UsableSize(fromArena)).Fill(0);
            if (size % 2 == 0)
            {
                arena.Free(fromArena);
            }
        }
    }

    [Fact]
    public void An_underrun_is_caught_when_the_owning_thread_frees_the_block()
    {
        foreach (var length in new[] { 1, 8 })
        {
            var before = (byte*)StaticHeap<CanarySpec>.Alloc(300);
            var block = (byte*)StaticHeap<CanarySpec>.Alloc(300);
            var blockSize = (nuint)CanarySpec.BlockSize(CanarySpec.SizeClassOf(300 + HeapCheck<CanarySpec>.TrailerSize));
            Assert.True(block == before + blockSize, "two blocks in a row of one page");
            for (var i = 1; i <= length; i++)
            {
                block[-i] ^= 0x20;
            }

            var e = Assert.Throws<HeapCorruptionException>(() => StaticHeap<CanarySpec>.Free(block));
            Assert.Contains("underrun", e.Problem);
            Assert.Equal((nint)block, e.Pointer);
            for (var i = 1; i <= length; i++)
            {
                block[-i] ^= 0x20;
            }

            StaticHeap<CanarySpec>.Free(block);
            StaticHeap<CanarySpec>.Free(before);
        }
    }
}
