using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using ExitSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.FinalizerSpecParameters>;

namespace Heapsmith.Tests.Engine;

// A thread's end is noticed by its exit sentinel's finalizer alone (no other thread makes a heap
// or grows the heap here), and its pages are abandoned, then freed once their blocks are freed.
public unsafe class ThreadExitTests
{
    [Fact]
    public void The_exit_sentinel_abandons_the_heap_of_an_ended_thread()
    {
        var blocks = new List<nint>();
        RunThread(blocks);
        Assert.Equal(1, StaticHeap<ExitSpec>.Core.RegisteredHeaps);

        for (var attempt = 0; attempt < 50 && StaticHeap<ExitSpec>.Core.RegisteredHeaps > 0; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.Equal(0, StaticHeap<ExitSpec>.Core.RegisteredHeaps);

        // The abandoned pages still hold the blocks; freeing them here (a thread without a heap)
        // lets Trim reclaim every page.
        foreach (var block in blocks)
        {
            Assert.Equal((byte)0x5A, *(byte*)block);
            StaticHeap<ExitSpec>.Free((void*)block);
        }

        StaticHeap<ExitSpec>.Trim();
        var stats = StaticHeap<ExitSpec>.GetStats();
        Assert.Equal(0, stats.BytesInUse);
        Assert.Equal(stats.Allocations, stats.Frees);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunThread(List<nint> blocks)
    {
        var thread = new Thread(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                var block = (byte*)StaticHeap<ExitSpec>.Alloc((nuint)(16 + (i % 700)));
                *block = 0x5A;
                blocks.Add((nint)block);
            }
        });
        thread.Start();
        thread.Join();
    }
}
