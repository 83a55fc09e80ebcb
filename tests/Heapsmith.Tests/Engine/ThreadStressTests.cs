using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using StressSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.StressSpecParameters>;

namespace Heapsmith.Tests.Engine;

// Several threads allocate, hand blocks to each other through a shared queue and free them there,
// while threads end and new ones start; every block's contents are checked before it is freed.
// HEAPSMITH_LONG=1 runs it far longer.
public unsafe class ThreadStressTests
{
    private static readonly bool Long = Environment.GetEnvironmentVariable("HEAPSMITH_LONG") == "1";

    [Fact]
    public void Blocks_handed_between_threads_keep_their_contents_and_all_memory_comes_back()
    {
        var baseline = StaticHeap<StressSpec>.GetStats();
        var shared = new ConcurrentQueue<(nint Block, int Size, byte Fill)>();
        var waves = Long ? 200 : 12;
        var operations = Long ? 200_000 : 6_000;
        var failures = new ConcurrentQueue<string>();
        for (var wave = 0; wave < waves; wave++)
        {
            // 2-4 threads per wave; each wave's blocks are still being freed by the next wave.
            var threads = new List<Thread>();
            var count = 2 + (wave % 3);
            for (var t = 0; t < count; t++)
            {
                var seed = (wave * 16) + t;
                var thread = new Thread(() => Work(seed, operations, shared, failures));
                threads.Add(thread);
                thread.Start();
            }

            foreach (var thread in threads)
            {
                thread.Join();
            }

            // Every few thousand operations of each thread, with no thread running: the whole heap walked.
            StaticHeap<StressSpec>.Validate();
        }

        Assert.Empty(failures);
        while (shared.TryDequeue(out var item))
        {
            Verify(item, failures);
            StaticHeap<StressSpec>.Free((void*)item.Block);
        }

        Assert.Empty(failures);

        // Every worker ended: Trim abandons their heaps and reclaims every page they left.
        StaticHeap<StressSpec>.Trim();
        var after = StaticHeap<StressSpec>.GetStats();
        Assert.Equal(baseline.Allocations - baseline.Frees, after.Allocations - after.Frees);
        Assert.Equal(baseline.BytesInUse, after.BytesInUse);
        for (var c = 0; c < StressSpec.SizeClassCount; c++)
        {
            Assert.Equal(baseline.LiveBlocksBySizeClass[c], after.LiveBlocksBySizeClass[c]);
        }
    }

    private static void Work(int seed, int operations, ConcurrentQueue<(nint Block, int Size, byte Fill)> shared, ConcurrentQueue<string> failures)
    {
        var random = new Random(seed);
        var own = new List<(nint Block, int Size, byte Fill)>();
        for (var i = 0; i < operations; i++)
        {
            var action = random.Next(10);
            if (action < 4 || own.Count == 0)
            {
                var size = random.Next(20) == 0 ? random.Next(16385, 200_000) : random.Next(0, 2048);
                var block = (byte*)StaticHeap<StressSpec>.Alloc((nuint)size);
                var fill = (byte)random.Next(1, 255);
                new Span<byte>(block, size).Fill(fill);
                own.Add(((nint)block, size, fill));
            }
            else if (action < 6)
            {
                var index = random.Next(own.Count);
                shared.Enqueue(own[index]);
                own[index] = own[^1];
                own.RemoveAt(own.Count - 1);
            }
            else if (action < 8 && shared.TryDequeue(out var foreign))
            {
                Verify(foreign, failures);
                StaticHeap<StressSpec>.Free((void*)foreign.Block);
            }
            else
            {
                var index = random.Next(own.Count);
                Verify(own[index], failures);
                StaticHeap<StressSpec>.Free((void*)own[index].Block);
                own[index] = own[^1];
                own.RemoveAt(own.Count - 1);
            }
        }

        // Half of what is left outlives this thread.
        for (var i = 0; i < own.Count; i++)
        {
            if (i % 2 == 0)
            {
                shared.Enqueue(own[i]);
            }
            else
            {
                Verify(own[i], failures);
                StaticHeap<StressSpec>.Free((void*)own[i].Block);
            }
        }
    }

    private static void Verify((nint Block, int Size, byte Fill) item, ConcurrentQueue<string> failures)
    {
        var bytes = new Span<byte>((void*)item.Block, item.Size);
        if (bytes.IndexOfAnyExcept(item.Fill) >= 0)
        {
            failures.Enqueue($"block 0x{item.Block:x} of {item.Size} bytes lost its fill {item.Fill}");
        }
    }
}
