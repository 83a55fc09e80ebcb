using System;
using System.Threading;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Workloads;

// Larson's server simulation with two threads: each thread owns an array of slots holding live
// blocks (log-uniform 8 B..1 KiB) and, per round, replaces random slots (free the old block,
// allocate a new one). Between rounds the threads swap their slot arrays, as Larson hands a thread's
// blocks to its successor: from then on every free is of a block another thread allocated.
// The workers are long-lived (created once per run) and meet the driving thread at a barrier, so a
// round measures allocation work, not thread start-up.
// Invariants: every slot holds a live block of the run's allocator; between rounds (both workers at
// the barrier) only the driving thread touches the slot arrays.

/// <summary>Two-thread Larson-style run: rounds of random replace with cross-thread frees.</summary>
internal sealed class LarsonRun : IRoundRun
{
    public const int Threads = 2;

    private readonly AllocatorKind _allocator;
    private readonly nint[][] _slots;
    private readonly int _operationsPerThread;
    private readonly Barrier _barrier = new(Threads + 1);
    private readonly Thread[] _workers = new Thread[Threads];
    private volatile bool _stopping;

    public LarsonRun(AllocatorKind allocator, int slotsPerThread, int operationsPerThread, ulong seed)
    {
        _allocator = allocator;
        _operationsPerThread = operationsPerThread;
        _slots = new nint[Threads][];
        for (var t = 0; t < Threads; t++)
        {
            _slots[t] = new nint[slotsPerThread];
            var fill = new Fill(_slots[t], seed + (ulong)t);
            AllocatorSet.Run(allocator, ref fill);
        }

        for (var t = 0; t < Threads; t++)
        {
            var worker = new Worker(this, t, seed * 31 + (ulong)t);
            _workers[t] = new Thread(() => AllocatorSet.Run(_allocator, ref worker)) { IsBackground = true, Name = $"larson-{t}" };
            _workers[t].Start();
        }
    }

    /// <summary>Block replacements in one round, all threads together.</summary>
    public int OperationsPerRound => Threads * _operationsPerThread;

    /// <summary>One round on both threads, then the hand-over of their slot arrays.</summary>
    public void RunRound()
    {
        _barrier.SignalAndWait();
        _barrier.SignalAndWait();
        (_slots[0], _slots[1]) = (_slots[1], _slots[0]);
    }

    public void Dispose()
    {
        _stopping = true;
        _barrier.SignalAndWait();
        foreach (var worker in _workers)
        {
            worker.Join();
        }

        foreach (var slots in _slots)
        {
            var release = new Release(slots);
            AllocatorSet.Run(_allocator, ref release);
        }

        _barrier.Dispose();
    }

    private unsafe struct Worker : IAllocatorWorkload
    {
        private readonly LarsonRun _run;
        private readonly int _index;
        private FastRandom _random;

        public Worker(LarsonRun run, int index, ulong seed)
        {
            _run = run;
            _index = index;
            _random = new FastRandom(seed);
        }

        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            while (true)
            {
                _run._barrier.SignalAndWait();
                if (_run._stopping)
                {
                    return;
                }

                var slots = _run._slots[_index];
                for (var i = 0; i < _run._operationsPerThread; i++)
                {
                    var slot = _random.NextInt(slots.Length);
                    TAlloc.Free((void*)slots[slot]);
                    var block = (byte*)TAlloc.Alloc(_random.NextLogUniformSize(3, 10));
                    *block = (byte)i;
                    slots[slot] = (nint)block;
                }

                _run._barrier.SignalAndWait();
            }
        }
    }

    private unsafe struct Fill(nint[] slots, ulong seed) : IAllocatorWorkload
    {
        public readonly void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            var random = new FastRandom(seed);
            for (var i = 0; i < slots.Length; i++)
            {
                slots[i] = (nint)TAlloc.Alloc(random.NextLogUniformSize(3, 10));
            }
        }
    }

    private unsafe struct Release(nint[] slots) : IAllocatorWorkload
    {
        public readonly void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            for (var i = 0; i < slots.Length; i++)
            {
                TAlloc.Free((void*)slots[i]);
                slots[i] = 0;
            }
        }
    }
}
