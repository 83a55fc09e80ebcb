using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using ExitSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.FinalizerSpecParameters>;
using RescueSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.RescueSpecParameters>;

namespace Heapsmith.Tests.Engine;

// Pages that other threads emptied go back: a thread's end is noticed by its exit sentinel's
// finalizer alone (no other thread makes a heap or grows the heap here) and its pages are
// abandoned, then freed once their blocks are; a live producer gives back the pages a consumer
// emptied on its next slow path.
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

    [Fact]
    public void A_live_producer_gives_back_pages_a_consumer_emptied()
    {
        var blocks = new nint[20_000];
        using var produced = new ManualResetEventSlim();
        using var consumed = new ManualResetEventSlim();
        long purgedBefore = 0, purgedAfter = 0;
        var producer = new Thread(() =>
        {
            for (var i = 0; i < blocks.Length; i++)
            {
                blocks[i] = (nint)StaticHeap<RescueSpec>.Alloc(64);
            }

            produced.Set();
            consumed.Wait();
            purgedBefore = StaticHeap<RescueSpec>.GetStats().BytesPurged;

            // The next slow path collects the consumer's frees: all but one page go back and are purged.
            var more = new nint[2000];
            for (var i = 0; i < more.Length; i++)
            {
                more[i] = (nint)StaticHeap<RescueSpec>.Alloc(64);
            }

            purgedAfter = StaticHeap<RescueSpec>.GetStats().BytesPurged;
            foreach (var block in more)
            {
                StaticHeap<RescueSpec>.Free((void*)block);
            }
        });
        producer.Start();
        produced.Wait();
        foreach (var block in blocks)
        {
            StaticHeap<RescueSpec>.Free((void*)block);
        }

        consumed.Set();
        producer.Join();

        // 20,000 blocks of 64 bytes fill 20 pages of 64 KiB.
        Assert.True(purgedAfter - purgedBefore >= 15L << 16, $"purged {(purgedAfter - purgedBefore) >> 10} KiB");
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
