using System;
using System.Collections.Concurrent;
using System.Threading;
using ChurnSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.ChurnSpecParameters>;

namespace Heapsmith.Tests.Engine;

// Producer/consumer with thread churn: short-lived producers allocate, one long-lived consumer
// frees. Without abandonment and adoption each ended producer would strand its pages and the heap
// would grow by a round's footprint every round (mimalloc #351 / jemalloc #1189 style bloat).
public unsafe class ThreadChurnTests
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("HEAPSMITH_LONG") == "1";

    [Fact]
    public void Memory_stays_bounded_while_producer_threads_come_and_go()
    {
        const int BlocksPerRound = 20_000;
        var rounds = Long ? 1000 : 40;
        var queue = new BlockingCollection<nint>(boundedCapacity: 4096);
        long freed = 0;
        var consumer = new Thread(() =>
        {
            foreach (var block in queue.GetConsumingEnumerable())
            {
                StaticHeap<ChurnSpec>.Free((void*)block);
                freed++;
            }
        });
        consumer.Start();

        long peakReserved = 0;
        for (var round = 0; round < rounds; round++)
        {
            var seed = round;
            var producer = new Thread(() =>
            {
                var random = new Random(seed);
                for (var i = 0; i < BlocksPerRound; i++)
                {
                    var block = (byte*)StaticHeap<ChurnSpec>.Alloc((nuint)random.Next(64, 512));
                    block[0] = 1;
                    queue.Add((nint)block);
                }
            });
            producer.Start();
            producer.Join();
            peakReserved = Math.Max(peakReserved, StaticHeap<ChurnSpec>.GetStats().BytesReserved);
        }

        queue.CompleteAdding();
        consumer.Join();
        Assert.Equal((long)rounds * BlocksPerRound, freed);

        // One round is ~6 MB of blocks (2 segments); without reclamation 40 rounds would need ~60.
        Assert.True(peakReserved <= 8L << 22, $"peak reserved {peakReserved >> 20} MiB over {rounds} rounds");
        StaticHeap<ChurnSpec>.Trim();
        var stats = StaticHeap<ChurnSpec>.GetStats();
        Assert.Equal(0, stats.BytesInUse);
        Assert.True(stats.BytesReserved <= 1L << 22, $"after Trim {stats.BytesReserved >> 20} MiB stay reserved");
    }
}
