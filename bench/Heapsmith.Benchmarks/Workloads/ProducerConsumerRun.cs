using System;
using System.Threading;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Workloads;

// Producer/consumer with cross-thread free: the driving thread allocates blocks (log-uniform
// 16 B..1 KiB, first byte written) and hands them through a bounded ring to a long-lived consumer
// thread that frees them. Every free is remote, the pattern of message passing and of a pipeline
// stage; it is where a free-list design that needs a lock or an atomic per free shows.
// Invariants: a round ends only when the consumer has freed every block the round produced.

/// <summary>One producer, one consumer, blocks freed on the thread that did not allocate them.</summary>
internal sealed class ProducerConsumerRun : IRoundRun
{
    private const int RingCapacity = 1024;

    private readonly AllocatorKind _allocator;
    private readonly nuint[] _sizes;
    private readonly SpscRing _ring = new(RingCapacity);
    private readonly SemaphoreSlim _start = new(0);
    private readonly SemaphoreSlim _done = new(0);
    private readonly Thread _consumer;
    private volatile bool _stopping;

    public ProducerConsumerRun(AllocatorKind allocator, int blocksPerRound, ulong seed)
    {
        _allocator = allocator;
        var random = new FastRandom(seed);
        _sizes = new nuint[blocksPerRound];
        for (var i = 0; i < _sizes.Length; i++)
        {
            _sizes[i] = random.NextLogUniformSize(4, 10);
        }

        var consumer = new Consumer(this);
        _consumer = new Thread(() => AllocatorSet.Run(_allocator, ref consumer)) { IsBackground = true, Name = "consumer" };
        _consumer.Start();
    }

    public int BlocksPerRound => _sizes.Length;

    /// <summary>Produces <see cref="BlocksPerRound"/> blocks and returns once the consumer freed them all.</summary>
    public void RunRound()
    {
        _start.Release();
        var producer = new Producer(this);
        AllocatorSet.Run(_allocator, ref producer);
        _done.Wait();
    }

    public void Dispose()
    {
        _stopping = true;
        _start.Release();
        _consumer.Join();
        _ring.Dispose();
        _start.Dispose();
        _done.Dispose();
    }

    private readonly unsafe struct Producer(ProducerConsumerRun run) : IAllocatorWorkload
    {
        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            var sizes = run._sizes;
            for (var i = 0; i < sizes.Length; i++)
            {
                var block = (byte*)TAlloc.Alloc(sizes[i]);
                *block = (byte)i;
                run._ring.Push((nint)block);
            }
        }
    }

    private readonly unsafe struct Consumer(ProducerConsumerRun run) : IAllocatorWorkload
    {
        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            while (true)
            {
                run._start.Wait();
                if (run._stopping)
                {
                    return;
                }

                for (var i = 0; i < run._sizes.Length; i++)
                {
                    TAlloc.Free((void*)run._ring.Pop());
                }

                run._done.Release();
            }
        }
    }
}
