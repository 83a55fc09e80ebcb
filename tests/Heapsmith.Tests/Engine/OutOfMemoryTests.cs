using System;
using System.Threading;
using Heapsmith.Os;
using OomSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.OomSpecParameters>;

namespace Heapsmith.Tests.Engine;

/// <summary>Tests that make the OS layer refuse memory: it is process-wide, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OsRefusalCollection
{
    public const string Name = "OS refusals";
}

[Collection(OsRefusalCollection.Name)]
public unsafe class OutOfMemoryTests
{
    [Fact]
    public void A_fresh_heap_refused_by_the_os_fails_cleanly_and_works_once_memory_is_back()
    {
        using var arena = new ArenaHeap<OomSpec>();
        try
        {
            OsMemory.RefuseNext(-1);
            Assert.True(arena.TryAlloc(100) == null);
            Assert.True(arena.TryAlloc(100_000) == null);
            Assert.True(arena.TryAlloc(10 << 20) == null);
            Assert.Throws<OutOfMemoryException>(() => arena.Alloc(100));
            Assert.Throws<OutOfMemoryException>(() => arena.AllocZeroed(10, 10));
            Assert.Throws<OutOfMemoryException>(() => arena.AlignedAlloc(100, 4096));
            var stats = arena.GetStats();
            Assert.Equal(0, stats.BytesReserved);
            Assert.Equal(0, stats.Allocations);
        }
        finally
        {
            OsMemory.RefuseNext(0);
        }

        var block = (byte*)arena.Alloc(100);
        block[99] = 1;
        Assert.True(arena.Owns(block));
        Assert.Equal(1, arena.GetStats().Allocations);
    }

    [Fact]
    public void Refusal_while_growing_keeps_every_live_block_and_the_heap_usable()
    {
        using var arena = new ArenaHeap<OomSpec>();
        var small = (byte*)arena.Alloc(64);
        var large = (byte*)arena.Alloc(100_000);
        new Span<byte>(small, 64).Fill(7);
        new Span<byte>(large, 100_000).Fill(8);
        var filler = arena.Alloc(1_900_000); // 29 units: 31 of the segment's 63 stay free
        var before = arena.GetStats();
        try
        {
            OsMemory.RefuseNext(-1);

            // Blocks from pages the heap already has still come; growing does not.
            var more = arena.TryAlloc(64);
            Assert.True(more != null, "a free block of an existing page needs no OS call");
            arena.Free(more);
            Assert.True(arena.TryAlloc(8 << 20) == null);
            Assert.True(arena.TryAlloc(2 << 20) == null, "a large run of 32 units needs a new segment");

            // A failed realloc leaves the block intact and owned.
            Assert.Throws<OutOfMemoryException>(() => arena.Realloc(large, 9 << 20));
            Assert.True(new Span<byte>(large, 100_000).IndexOfAnyExcept((byte)8) < 0);
            Assert.True(arena.Owns(large));
            Assert.Equal(before.BytesReserved, arena.GetStats().BytesReserved);
        }
        finally
        {
            OsMemory.RefuseNext(0);
        }

        var grown = (byte*)arena.Realloc(large, 9 << 20);
        Assert.True(new Span<byte>(grown, 100_000).IndexOfAnyExcept((byte)8) < 0);
        Assert.True(new Span<byte>(small, 64).IndexOfAnyExcept((byte)7) < 0);
        arena.Free(grown);
        arena.Free(filler);
        arena.Free(small);
        Assert.Equal(0, arena.GetStats().BytesInUse);
    }

    [Fact]
    public void A_thread_whose_heap_is_refused_gets_null_then_recovers()
    {
        void* first = null, second = null;
        Exception? thrown = null;
        var thread = new Thread(() =>
        {
            try
            {
                OsMemory.RefuseNext(1);
                first = StaticHeap<OomSpec>.TryAlloc(32);
                second = StaticHeap<OomSpec>.Alloc(32);
                StaticHeap<OomSpec>.Free(second);
            }
            catch (Exception e)
            {
                thrown = e;
            }
            finally
            {
                OsMemory.RefuseNext(0);
            }
        });
        thread.Start();
        thread.Join();
        Assert.Null(thrown);
        Assert.True(first == null, "the first allocation's thread heap was refused");
        Assert.True(second != null);
    }
}
