using System;
using System.Runtime.InteropServices;
using System.Threading;
using Heapsmith.Engine;
using CheckedSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.CheckedSpecParameters>;

namespace Heapsmith.Tests.Engine;

// Every misuse kind is caught with HeapCorruptionException naming the pointer, and the heap keeps
// allocating and freeing correctly afterwards.
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
            StillWorks();
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
            StillWorks();
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
        StillWorks();
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
            StillWorks();
        }

        using var arena = new ArenaHeap<CheckedSpec>();
        var grown = (byte*)arena.Realloc(arena.Alloc(10), 40);
        grown[39] = 1;
        arena.Free(grown, 40);
        var overrun = (byte*)arena.AllocZeroed(3, 10);
        overrun[30] = 0;
        Assert.Throws<HeapCorruptionException>(() => arena.Free(overrun, 30));
        Assert.Throws<HeapCorruptionException>(() => arena.Free(arena.Alloc(16), 100));
    }

    private static void StillWorks()
    {
        var blocks = new nint[200];
        for (var i = 0; i < blocks.Length; i++)
        {
            var block = (byte*)StaticHeap<CheckedSpec>.Alloc((nuint)(16 + (i * 61)));
            block[0] = (byte)i;
            blocks[i] = (nint)block;
        }

        for (var i = 0; i < blocks.Length; i++)
        {
            Assert.Equal((byte)i, *(byte*)blocks[i]);
            StaticHeap<CheckedSpec>.Free((void*)blocks[i]);
        }
    }
}
