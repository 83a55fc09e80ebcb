using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Heapsmith.Engine;
using CheckedSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.CheckedSpecParameters>;
using MmapCheckedSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.MmapCheckedSpecParameters>;

namespace Heapsmith.Tests.Engine;

// Every misuse kind is caught with HeapCorruptionException naming the pointer, and the heap keeps
// allocating and freeing correctly afterwards. The tests after the first five aim at the inlined
// fast path (a small block freed by the thread heap owning its page) and the generic path beside it.
public unsafe class CheckTests
{
    [Fact]
    public void Double_frees_of_every_block_kind_are_caught()
    {
        foreach (var size in new nuint[] { 16, 100, 16384, 100_000, 3 << 20 })
        {
            var block = StaticHeap<CheckedSpec>.Alloc(size);
            StaticHeap<CheckedSpec>.Free(block);
            var e = Assert.Throws<HeapCorruptionException>(() => StaticHeap<CheckedSpec>.Free(block));
            Assert.Equal((nint)block, e.Pointer);
            Assert.Contains("free", e.Problem);
            StillWorks<CheckedSpec>();
        }
    }

    [Fact]
    public void Frees_of_memory_the_heap_does_not_own_are_caught()
    {
        var native = NativeMemory.Alloc(64);
        var stack = stackalloc byte[32];
        var local = (nint)stack;
        var block = (byte*)StaticHeap<CheckedSpec>.Alloc(64);
        var large = (byte*)StaticHeap<CheckedSpec>.Alloc(100_000);
        using var arena = new ArenaHeap<CheckedSpec>();
        var arenaBlock = arena.Alloc(64);
        try
        {
            Assert.Contains("does not own", Assert.Throws<HeapCorruptionException>(() => StaticHeap<CheckedSpec>.Free(native)).Problem);
            Assert.Contains("does not own", Assert.Throws<HeapCorruptionException>(() => StaticHeap<CheckedSpec>.Free((void*)local)).Problem);
            Assert.Contains("interior", Assert.Throws<HeapCorruptionException>(() => StaticHeap<CheckedSpec>.Free(block + 16)).Problem);
            Assert.Contains("interior", Assert.Throws<HeapCorruptionException>(() => StaticHeap<CheckedSpec>.Free(large + 4096)).Problem);
            Assert.Contains("another heap", Assert.Throws<HeapCorruptionException>(() => StaticHeap<CheckedSpec>.Free(arenaBlock)).Problem);
            Assert.Contains("another heap", Assert.Throws<HeapCorruptionException>(() => arena.Free(block)).Problem);
            Assert.Throws<HeapCorruptionException>(() => StaticHeap<CheckedSpec>.Realloc(native, 10));

            // Nothing was damaged: the blocks are live, owned and free normally.
            Assert.True(StaticHeap<CheckedSpec>.Owns(block) && StaticHeap<CheckedSpec>.Owns(large) && arena.Owns(arenaBlock));
            StaticHeap<CheckedSpec>.Free(block);
            StaticHeap<CheckedSpec>.Free(large);
            arena.Free(arenaBlock);
            StillWorks<CheckedSpec>();
        }
        finally
        {
            NativeMemory.Free(native);
        }
    }

    [Fact]
    public void A_double_free_from_another_thread_is_caught()
    {
        var block = StaticHeap<CheckedSpec>.Alloc(48);
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            StaticHeap<CheckedSpec>.Free(block);
            try
            {
                StaticHeap<CheckedSpec>.Free(block);
            }
            catch (HeapCorruptionException e)
            {
                caught = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.IsType<HeapCorruptionException>(caught);
        StillWorks<CheckedSpec>();
    }

    [Fact]
    public void Junk_fills_new_and_freed_blocks()
    {
        var block = (byte*)StaticHeap<CheckedSpec>.Alloc(256);
        Assert.True(new Span<byte>(block, 256).IndexOfAnyExcept(HeapCheck<CheckedSpec>.AllocatedJunk) < 0, "new memory is junk, not zero");
        StaticHeap<CheckedSpec>.Free(block);
        Assert.True(new Span<byte>(block + 16, 240).IndexOfAnyExcept(HeapCheck<CheckedSpec>.FreedJunk) < 0, "freed memory is junk past its links");
        var zeroed = (byte*)StaticHeap<CheckedSpec>.AllocZeroed(256, 1);
        Assert.True(new Span<byte>(zeroed, 256).IndexOfAnyExcept((byte)0) < 0);
        StaticHeap<CheckedSpec>.Free(zeroed);
    }

    [Fact]
    public void Overruns_are_caught_by_a_sized_free()
    {
        foreach (var size in new nuint[] { 20, 1000, 20_000 })
        {
            var block = (byte*)StaticHeap<CheckedSpec>.Alloc(size);
            new Span<byte>(block, (int)size).Fill(1);
            block[size] = 1; // one byte too far
            var e = Assert.Throws<HeapCorruptionException>(() => StaticHeap<CheckedSpec>.Free(block, size));
            Assert.Contains("overrun", e.Problem);
            Assert.True(StaticHeap<CheckedSpec>.Owns(block), "the block is still live");
            block[size] = HeapCheck<CheckedSpec>.CanaryByte;
            StaticHeap<CheckedSpec>.Free(block, size);
            StillWorks<CheckedSpec>();
        }

        using var arena = new ArenaHeap<CheckedSpec>();
        var grown = (byte*)arena.Realloc(arena.Alloc(10), 40);
        grown[39] = 1;
        arena.Free(grown, 40);
        var overrun = (byte*)arena.AllocZeroed(3, 10);
        overrun[30] = 0;
        Assert.Throws<HeapCorruptionException>(() => arena.Free(overrun, 30));
        overrun[30] = HeapCheck<CheckedSpec>.CanaryByte; // else the arena's Dispose reports it
        arena.Free(overrun, 30);
        Assert.Throws<HeapCorruptionException>(() => arena.Free(arena.Alloc(16), 100));
    }

    [Fact]
    public void A_double_free_of_a_block_on_the_current_page_is_caught_before_the_free_list_changes()
    {
        var block = StaticHeap<MmapCheckedSpec>.Alloc(64);
        StaticHeap<MmapCheckedSpec>.Free(block); // onto the calling thread's page: the inlined fast path
        var e = Assert.Throws<HeapCorruptionException>(() => StaticHeap<MmapCheckedSpec>.Free(block));
        Assert.Contains("double free", e.Problem);
        Assert.Equal((nint)block, e.Pointer);

        // Pushed once, not twice: the block comes back once, then other blocks.
        var first = StaticHeap<MmapCheckedSpec>.Alloc(64);
        var second = StaticHeap<MmapCheckedSpec>.Alloc(64);
        Assert.True(first == block, "the freed block is reused first (its page's free list is LIFO)");
        Assert.True(second != block, "the block was on the free list once");
        StaticHeap<MmapCheckedSpec>.Free(first);
        StaticHeap<MmapCheckedSpec>.Free(second);
        StillWorks<MmapCheckedSpec>();
    }

    [Fact]
    public void Interior_pointers_of_blocks_on_the_current_page_are_caught()
    {
        // 48 B blocks: 16 and 32 bytes in are aligned but not block starts; the page holds a run of them.
        var blocks = new nint[8];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = (nint)StaticHeap<MmapCheckedSpec>.Alloc(48);
        }

        foreach (var offset in new[] { 1, 16, 32, 47 })
        {
            var e = Assert.Throws<HeapCorruptionException>(() => StaticHeap<MmapCheckedSpec>.Free((void*)(blocks[3] + offset)));
            Assert.Contains("interior", e.Problem);
        }

        // The page's tail, past its last block, at a multiple of the block size: only the
        // block-count bound tells it from a block start.
        var sizeClass = MmapCheckedSpec.SizeClassOf(48);
        Assert.Equal(48, MmapCheckedSpec.BlockSize(sizeClass));
        Assert.Equal(1, MmapCheckedSpec.PageSpan(sizeClass));
        var pageStart = blocks[0] & ~(nint)((1 << MmapCheckedSpec.PageShift) - 1);
        var tail = pageStart + (MmapCheckedSpec.BlocksPerPage(sizeClass) * 48);
        Assert.True(tail < pageStart + (1 << MmapCheckedSpec.PageShift), "the page has a tail");
        Assert.Contains("interior", Assert.Throws<HeapCorruptionException>(() => StaticHeap<MmapCheckedSpec>.Free((void*)tail)).Problem);

        for (var i = 0; i < blocks.Length; i++)
        {
            Assert.True(StaticHeap<MmapCheckedSpec>.Owns((void*)blocks[i]));
            StaticHeap<MmapCheckedSpec>.Free((void*)blocks[i]);
        }

        StillWorks<MmapCheckedSpec>();
    }

    /// <summary>Where the canary of a small request of <paramref name="size"/> ends: its trailer (the size record) starts there.</summary>
    private static nuint CanaryEnd(nuint size) =>
        (nuint)MmapCheckedSpec.BlockSize(MmapCheckedSpec.SizeClassOf(size + HeapCheck<MmapCheckedSpec>.TrailerSize)) - HeapCheck<MmapCheckedSpec>.TrailerSize;

    [Fact]
    public void Overruns_into_any_canary_byte_are_caught_on_the_fast_path()
    {
        // Slack of 4, 0, 16, 228 and 232 bytes before the trailer: the inline word and vector checks and the long-run check.
        foreach (var size in new nuint[] { 20, 56, 1000, 1300, 10_000 })
        {
            var usable = CanaryEnd(size);
            Assert.Equal(size, StaticHeap<MmapCheckedSpec>.GoodSize(size));
            foreach (var overrun in new[] { size, (size + usable) / 2, usable - 1, usable, usable + 7 }.Where(o => o >= size))
            {
                var block = (byte*)StaticHeap<MmapCheckedSpec>.Alloc(size);
                Assert.True(new Span<byte>(block + size, (int)(usable - size)).IndexOfAnyExcept(HeapCheck<MmapCheckedSpec>.CanaryByte) < 0, "every slack byte is canary");
                block[overrun] ^= 0x5A;
                var e = Assert.Throws<HeapCorruptionException>(() => StaticHeap<MmapCheckedSpec>.Free(block, size));
                Assert.Contains("overrun", e.Problem);
                Assert.Equal((nint)block, e.Pointer);
                block[overrun] ^= 0x5A;
                StaticHeap<MmapCheckedSpec>.Free(block, size);
            }

            var tooLarge = StaticHeap<MmapCheckedSpec>.Alloc(size);
            Assert.Contains("allocated for", Assert.Throws<HeapCorruptionException>(() => StaticHeap<MmapCheckedSpec>.Free(tooLarge, size + 1)).Problem);
            StaticHeap<MmapCheckedSpec>.Free(tooLarge, size);
            StillWorks<MmapCheckedSpec>();
        }
    }

    [Fact]
    public void A_request_that_fills_its_size_class_is_still_guarded_by_its_size_record()
    {
        // Every small class's exact fit (its block size less the trailer), every block size, and
        // large requests of whole OS pages: the byte after the request is a canary or the size
        // record, so a one-byte overrun is caught by a plain free; UsableSize == GoodSize == size.
        var sizes = new List<nuint>();
        for (var c = 0; c < MmapCheckedSpec.SizeClassCount; c++)
        {
            sizes.Add((nuint)MmapCheckedSpec.BlockSize(c));
            sizes.Add((nuint)MmapCheckedSpec.BlockSize(c) - HeapCheck<MmapCheckedSpec>.TrailerSize);
        }

        sizes.Add(20_480);
        sizes.Add(65_536);
        sizes.Add(65_536 - HeapCheck<MmapCheckedSpec>.TrailerSize);
        foreach (var size in sizes)
        {
            var block = (byte*)StaticHeap<MmapCheckedSpec>.Alloc(size);
            var usable = StaticHeap<MmapCheckedSpec>.UsableSize(block);
            Assert.Equal(StaticHeap<MmapCheckedSpec>.GoodSize(size), usable);
            Assert.Equal(size, usable);
            Assert.Equal(usable, StaticHeap<MmapCheckedSpec>.GoodSize(usable));
            block[size] ^= 0x10;
            Assert.Contains("overrun", Assert.Throws<HeapCorruptionException>(() => StaticHeap<MmapCheckedSpec>.Free(block)).Problem);
            block[size] ^= 0x10;
            StaticHeap<MmapCheckedSpec>.Free(block, size);

            // Realloc to an exact fit, and zeroed allocation, are served the same way.
            var grown = (byte*)StaticHeap<MmapCheckedSpec>.Realloc(StaticHeap<MmapCheckedSpec>.Alloc(8), size);
            Assert.Equal(size, StaticHeap<MmapCheckedSpec>.UsableSize(grown));
            new Span<byte>(grown, (int)size).Fill(0xCA ^ 0xFF); // every usable byte written: no check trips
            StaticHeap<MmapCheckedSpec>.Free(grown, size);
            var zeroed = (byte*)StaticHeap<MmapCheckedSpec>.AllocZeroed(1, size);
            Assert.Equal(size, StaticHeap<MmapCheckedSpec>.UsableSize(zeroed));
            StaticHeap<MmapCheckedSpec>.Free(zeroed);
        }

        using var arena = new ArenaHeap<MmapCheckedSpec>();
        var fromArena = (byte*)arena.Alloc(64);
        Assert.Equal(arena.GoodSize(64), arena.UsableSize(fromArena));
        fromArena[64] ^= 1;
        Assert.Throws<HeapCorruptionException>(() => arena.Free(fromArena));
        fromArena[64] ^= 1;
        arena.Free(fromArena, 64);
        StillWorks<MmapCheckedSpec>();
    }

    [Fact]
    public void Every_canary_byte_of_every_small_size_up_to_300_is_checked_and_no_user_byte_is_touched()
    {
        for (nuint size = 1; size <= 300; size++)
        {
            var usable = CanaryEnd(size) + HeapCheck<MmapCheckedSpec>.TrailerSize; // the trailer's bytes too
            for (var overrun = size; overrun < usable; overrun++)
            {
                var block = (byte*)StaticHeap<MmapCheckedSpec>.Alloc(size);
                Assert.True(new Span<byte>(block, (int)size).IndexOfAnyExcept(HeapCheck<MmapCheckedSpec>.AllocatedJunk) < 0, $"size {size}: the canary left the user's bytes alone");
                block[overrun] ^= 1;
                Assert.Throws<HeapCorruptionException>(() => StaticHeap<MmapCheckedSpec>.Free(block, size));
                block[overrun] ^= 1;
                block[size - 1] = 0; // the user's last byte is the user's
                StaticHeap<MmapCheckedSpec>.Free(block, size);
            }
        }

        StillWorks<MmapCheckedSpec>();
    }

    [Fact]
    public void A_reused_block_is_junk_and_has_its_canary_again()
    {
        var block = (byte*)StaticHeap<MmapCheckedSpec>.Alloc(200); // 224 B class: 16 canary bytes, then the trailer
        new Span<byte>(block, 200).Fill(7);
        StaticHeap<MmapCheckedSpec>.Free(block, 200);
        var again = (byte*)StaticHeap<MmapCheckedSpec>.Alloc(200);
        Assert.True(again == block, "the fast path handed the same block out again");
        Assert.True(new Span<byte>(again, 200).IndexOfAnyExcept(HeapCheck<MmapCheckedSpec>.AllocatedJunk) < 0, "new memory is junk, not the old contents");
        Assert.True(new Span<byte>(again + 200, 16).IndexOfAnyExcept(HeapCheck<MmapCheckedSpec>.CanaryByte) < 0, "the canary is set again");
        StaticHeap<MmapCheckedSpec>.Free(again, 200);
    }

    [Fact]
    public void A_block_freed_by_its_owner_and_again_by_another_thread_is_caught()
    {
        var block = StaticHeap<MmapCheckedSpec>.Alloc(64);
        StaticHeap<MmapCheckedSpec>.Free(block);
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                StaticHeap<MmapCheckedSpec>.Free(block); // a remote free: the generic path
            }
            catch (HeapCorruptionException e)
            {
                caught = e;
            }
        });
        thread.Start();
        thread.Join();
        Assert.Contains("double free", Assert.IsType<HeapCorruptionException>(caught).Problem);
        StillWorks<MmapCheckedSpec>();
    }

    [Fact]
    public void An_arena_catches_double_frees_interior_pointers_and_overruns_of_its_own_blocks()
    {
        using var arena = new ArenaHeap<MmapCheckedSpec>();
        var block = (byte*)arena.Alloc(40);
        Assert.Contains("interior", Assert.Throws<HeapCorruptionException>(() => arena.Free(block + 16)).Problem);
        block[40] ^= 1;
        Assert.Contains("overrun", Assert.Throws<HeapCorruptionException>(() => arena.Free(block, 40)).Problem);
        block[40] ^= 1;
        arena.Free(block, 40);
        Assert.Contains("double free", Assert.Throws<HeapCorruptionException>(() => arena.Free(block)).Problem);

        var first = arena.Alloc(40);
        var second = arena.Alloc(40);
        Assert.True(first != second, "the block was on the free list once");
        arena.Free(first);
        arena.Free(second);
    }

    private static void StillWorks<TSpec>()
        where TSpec : struct, IHeapSpec
    {
        var blocks = new nint[200];
        for (var i = 0; i < blocks.Length; i++)
        {
            var block = (byte*)StaticHeap<TSpec>.Alloc((nuint)(16 + (i * 61)));
            block[0] = (byte)i;
            blocks[i] = (nint)block;
        }

        for (var i = 0; i < blocks.Length; i++)
        {
            Assert.Equal((byte)i, *(byte*)blocks[i]);
            StaticHeap<TSpec>.Free((void*)blocks[i]);
        }
    }
}

/// <summary>
/// Every check, on the mmap backend: the fast-path tests' heap. Their segments come from mmap, not
/// from the C runtime's malloc, so they leave the process's malloc state (which the Os tests read)
/// as it was.
/// </summary>
public sealed class MmapCheckedSpecParameters : ISpecParameters
{
    public static int MaxSmallSize => 16384;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => 10;

    public static HeapBackend Backend => HeapBackend.Mmap;

    public static HeapChecks Checks => HeapChecks.All;
}
