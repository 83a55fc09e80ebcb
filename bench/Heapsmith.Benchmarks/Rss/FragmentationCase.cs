using System;
using System.Threading;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Rss;

// The fragmentation run (issues 3 and 4): allocate a million mixed blocks (half as many in the quick
// mode; log-uniform 16 B..1 KiB, every byte written), free a random 90% of them, then allocate larger
// blocks (1..8 KiB) worth half the freed bytes. A size-class allocator cannot give the holes left in
// its small-class pages to the larger classes; glibc coalesces them. Then everything is freed: does
// the memory go back?
// Phases (bytes above the warmed-up baseline): allocated, freed90, larger (the final working set),
// released (all freed, then a pause and a little activity so delayed purges can run); plus the peak.

/// <summary>Mixed blocks, 90% freed at random, larger blocks after: peak and final RSS.</summary>
internal sealed class FragmentationCase : IRssCase
{
    public string Name => "fragmentation";

    public bool MultiThreaded => false;

    public void Run(AllocatorKind allocator, RssRecorder recorder, bool quick)
    {
        var workload = new Workload(quick ? 500_000 : 1_000_000, recorder, seed: 1234);
        var tick = default(AllocatorTick);
        AllocatorSet.Run(allocator, ref tick);
        GC.Collect();
        recorder.Start();
        AllocatorSet.Run(allocator, ref workload);
        recorder.Finish();
    }

    private readonly unsafe struct Workload : IAllocatorWorkload
    {
        private readonly nint[] _blocks;
        private readonly nuint[] _sizes;
        private readonly int[] _order;
        private readonly nint[] _larger;
        private readonly RssRecorder _recorder;
        private readonly ulong _seed;

        public Workload(int blocks, RssRecorder recorder, ulong seed)
        {
            _blocks = new nint[blocks];
            _sizes = new nuint[blocks];
            _order = new int[blocks];
            // Larger blocks average ~4.4 KiB against ~0.2 KiB freed each: far fewer are needed.
            _larger = new nint[blocks / 8];
            _recorder = recorder;
            _seed = seed;
            var random = new FastRandom(seed);
            for (var i = 0; i < blocks; i++)
            {
                _sizes[i] = random.NextLogUniformSize(4, 10);
                _order[i] = i;
            }

            for (var i = blocks - 1; i > 0; i--)
            {
                var j = random.NextInt(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }

            // Touch the bookkeeping arrays now so their pages are in the baseline.
            Array.Fill(_blocks, 0);
            Array.Fill(_larger, 0);
        }

        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            for (var i = 0; i < _blocks.Length; i++)
            {
                _blocks[i] = Fill(TAlloc.Alloc(_sizes[i]), _sizes[i]);
            }

            _recorder.Record("allocated");

            var freeCount = _blocks.Length / 10 * 9;
            long freedBytes = 0;
            for (var i = 0; i < freeCount; i++)
            {
                var index = _order[i];
                TAlloc.Free((void*)_blocks[index]);
                _blocks[index] = 0;
                freedBytes += (long)_sizes[index];
            }

            _recorder.Record("freed90");

            var random = new FastRandom(_seed + 1);
            long largerBytes = 0;
            var larger = 0;
            while (largerBytes < freedBytes / 2 && larger < _larger.Length)
            {
                var size = random.NextLogUniformSize(10, 13);
                _larger[larger++] = Fill(TAlloc.Alloc(size), size);
                largerBytes += (long)size;
            }

            _recorder.Record("larger");

            foreach (var block in _blocks)
            {
                TAlloc.Free((void*)block);
            }

            for (var i = 0; i < larger; i++)
            {
                TAlloc.Free((void*)_larger[i]);
            }

            var tick = default(AllocatorTick);
            tick.Run<TAlloc>();
            Thread.Sleep(200);
            tick.Run<TAlloc>();
            _recorder.Record("released");
        }

        private static nint Fill(void* block, nuint size)
        {
            new Span<byte>(block, (int)size).Fill(0xA5);
            return (nint)block;
        }
    }
}
