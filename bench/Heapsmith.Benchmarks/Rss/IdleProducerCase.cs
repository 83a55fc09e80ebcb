using System;
using System.Threading;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Rss;

// An idle producer (issue 4; the complaint of mimalloc #351/#593 and jemalloc #2817: memory freed
// by consumers stays with a producer thread that no longer allocates). A long-lived producer thread
// allocates a working set (log-uniform 16 B..1 KiB, written) and goes idle, alive; the consumer
// (this thread) frees every block, then asks the allocator to give memory back with its own API:
// Heapsmith Trim, glibc malloc_trim(0), mimalloc mi_collect(true), jemalloc's purge of all arenas
// (IAllocator.Trim). The producer never runs again until the end.
// Phases: produced (the working set live), consumed (all freed, a little activity on the consumer),
// trimmed (after the allocator's trim on the consumer), exited (the producer thread ended, activity
// and trim again).

/// <summary>Blocks of an idle, live producer freed by a consumer: does the memory come back?</summary>
internal sealed class IdleProducerCase : IRssCase
{
    public string Name => "idle-producer";

    public bool MultiThreaded => true;

    public void Run(AllocatorKind allocator, RssRecorder recorder, bool quick)
    {
        var random = new FastRandom(7);
        var sizes = new nuint[quick ? 200_000 : 500_000];
        for (var i = 0; i < sizes.Length; i++)
        {
            sizes[i] = random.NextLogUniformSize(4, 10);
        }

        var blocks = new nint[sizes.Length];
        var tick = default(AllocatorTick);
        AllocatorSet.Run(allocator, ref tick);
        GC.Collect();
        recorder.Start();

        using var produced = new ManualResetEventSlim();
        using var finish = new ManualResetEventSlim();
        var producer = new Thread(() =>
        {
            var work = new Produce(sizes, blocks);
            AllocatorSet.Run(allocator, ref work);
            produced.Set();
            finish.Wait();
        })
        { Name = "idle-producer" };
        producer.Start();
        produced.Wait();
        recorder.Record("produced");

        var consume = new Consume(blocks);
        AllocatorSet.Run(allocator, ref consume);
        AllocatorSet.Run(allocator, ref tick);
        recorder.Record("consumed");

        var trim = default(TrimWork);
        AllocatorSet.Run(allocator, ref trim);
        recorder.Record("trimmed");

        finish.Set();
        producer.Join();
        Thread.Sleep(100);
        AllocatorSet.Run(allocator, ref tick);
        AllocatorSet.Run(allocator, ref trim);
        recorder.Record("exited");
        recorder.Finish();
    }

    private readonly unsafe struct Produce(nuint[] sizes, nint[] blocks) : IAllocatorWorkload
    {
        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            for (var i = 0; i < sizes.Length; i++)
            {
                var block = TAlloc.Alloc(sizes[i]);
                new Span<byte>(block, (int)sizes[i]).Fill((byte)i);
                blocks[i] = (nint)block;
            }
        }
    }

    private readonly unsafe struct Consume(nint[] blocks) : IAllocatorWorkload
    {
        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            foreach (var block in blocks)
            {
                TAlloc.Free((void*)block);
            }
        }
    }

    private readonly struct TrimWork : IAllocatorWorkload
    {
        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
            => TAlloc.Trim();
    }
}
