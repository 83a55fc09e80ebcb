using System;
using System.Threading;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Rss;

// Producer/consumer with thread churn (issue 4; the bloat reported as mimalloc #351/#440 and
// jemalloc #1189): every round starts a fresh producer thread and a fresh consumer thread. The
// producer allocates blocks (log-uniform 16 B..1 KiB, written) and hands them over a ring; the
// consumer frees them, except every tenth, which it keeps; the next round's consumer frees those
// first: blocks of a thread that has exited, freed by a thread that did not exist when they were
// allocated. Both threads end with the round. The live set is bounded (one round's tenth), so a
// healthy allocator's RSS levels off after the first rounds; one that never reclaims the pages of
// exited threads grows with every round.
// Phases: round1, then every fifth round, last (after the final round), released (everything freed,
// pause, a little activity); plus the peak.

/// <summary>Cross-thread frees with a new producer and consumer thread per round: does RSS grow?</summary>
internal sealed class ThreadChurnCase : IRssCase
{
    private const int KeepEvery = 10;
    private const int RingCapacity = 1024;

    public string Name => "thread-churn";

    public bool MultiThreaded => true;

    public void Run(AllocatorKind allocator, RssRecorder recorder, bool quick)
    {
        var rounds = quick ? 10 : 30;
        var blocksPerRound = quick ? 100_000 : 200_000;
        var random = new FastRandom(99);
        var sizes = new nuint[blocksPerRound];
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = random.NextLogUniformSize(4, 10);
        }

        using var ring = new SpscRing(RingCapacity);
        var kept = new nint[blocksPerRound / KeepEvery + 1];
        var keptCount = 0;

        var tick = default(AllocatorTick);
        AllocatorSet.Run(allocator, ref tick);
        GC.Collect();
        recorder.Start();

        for (var round = 1; round <= rounds; round++)
        {
            var producer = new Producer(ring, sizes);
            var consumer = new Consumer(ring, sizes.Length, kept, keptCount);
            var producerThread = new Thread(() => AllocatorSet.Run(allocator, ref producer)) { Name = $"producer-{round}" };
            var consumerThread = new Thread(() => AllocatorSet.Run(allocator, ref consumer)) { Name = $"consumer-{round}" };
            consumerThread.Start();
            producerThread.Start();
            producerThread.Join();
            consumerThread.Join();
            keptCount = consumer.KeptCount;

            if (round == 1 || round % 5 == 0 || round == rounds)
            {
                recorder.Record(round == rounds ? "last" : $"round{round}");
            }
        }

        var release = new Release(kept, keptCount);
        AllocatorSet.Run(allocator, ref release);
        Thread.Sleep(200);
        AllocatorSet.Run(allocator, ref tick);
        recorder.Record("released");
        recorder.Finish();
    }

    private readonly unsafe struct Producer(SpscRing ring, nuint[] sizes) : IAllocatorWorkload
    {
        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            for (var i = 0; i < sizes.Length; i++)
            {
                var block = TAlloc.Alloc(sizes[i]);
                new Span<byte>(block, (int)sizes[i]).Fill((byte)i);
                ring.Push((nint)block);
            }
        }
    }

    // Frees the blocks the previous round kept, then consumes this round's, keeping every tenth.
    private unsafe struct Consumer(SpscRing ring, int count, nint[] kept, int previouslyKept) : IAllocatorWorkload
    {
        public int KeptCount { get; private set; }

        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            for (var i = 0; i < previouslyKept; i++)
            {
                TAlloc.Free((void*)kept[i]);
            }

            var keptNow = 0;
            for (var i = 0; i < count; i++)
            {
                var block = ring.Pop();
                if (i % KeepEvery == 0)
                {
                    kept[keptNow++] = block;
                }
                else
                {
                    TAlloc.Free((void*)block);
                }
            }

            KeptCount = keptNow;
        }
    }

    private readonly unsafe struct Release(nint[] kept, int count) : IAllocatorWorkload
    {
        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            for (var i = 0; i < count; i++)
            {
                TAlloc.Free((void*)kept[i]);
            }
        }
    }
}
