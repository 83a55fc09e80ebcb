using System;
using ZeroSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.ZeroAllocSpecParameters>;

namespace Heapsmith.Tests.Engine;

// After warm-up, no path of alloc/free/realloc allocates managed memory.
public unsafe class ZeroAllocationTests
{
    [Fact]
    public void Static_heap_paths_allocate_no_managed_memory_after_warm_up()
    {
        Exercise(); // warm-up: thread heap, sentinel, pages, segments
        var before = GC.GetAllocatedBytesForCurrentThread();
        Exercise();
        var after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
    }

    [Fact]
    public void Arena_paths_allocate_no_managed_memory_after_warm_up()
    {
        using var arena = new ArenaHeap<ZeroSpec>();
        Exercise(arena);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Exercise(arena);
        var after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after);
    }

    private static void Exercise()
    {
        var blocks = stackalloc nint[64];
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < 64; i++)
            {
                blocks[i] = (nint)StaticHeap<ZeroSpec>.Alloc((nuint)((i * 251) % 16384));
            }

            for (var i = 0; i < 64; i += 2)
            {
                StaticHeap<ZeroSpec>.Free((void*)blocks[i]);
                blocks[i] = (nint)StaticHeap<ZeroSpec>.AllocZeroed(4, (nuint)i);
            }

            blocks[1] = (nint)StaticHeap<ZeroSpec>.Realloc((void*)blocks[1], 50_000);
            blocks[3] = (nint)StaticHeap<ZeroSpec>.AlignedAlloc(100, 256);
            for (var i = 0; i < 64; i++)
            {
                StaticHeap<ZeroSpec>.Free((void*)blocks[i], 0);
            }
        }

        StaticHeap<ZeroSpec>.Free(StaticHeap<ZeroSpec>.Alloc(100_000));
        StaticHeap<ZeroSpec>.Free(StaticHeap<ZeroSpec>.Alloc(3 << 20));
    }

    private static void Exercise(ArenaHeap<ZeroSpec> arena)
    {
        var blocks = stackalloc nint[64];
        for (var round = 0; round < 200; round++)
        {
            for (var i = 0; i < 64; i++)
            {
                blocks[i] = (nint)arena.Alloc((nuint)((i * 251) % 16384));
            }

            blocks[1] = (nint)arena.Realloc((void*)blocks[1], 50_000);
            for (var i = 0; i < 64; i++)
            {
                arena.Free((void*)blocks[i]);
            }
        }

        arena.Free(arena.Alloc(3 << 20));
    }
}
