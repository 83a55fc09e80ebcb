using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Workloads;

// PairWorkload with a sized free: alloc then free one block of a fixed size, Count times, the free
// given the requested size. What the check-cost measurement runs, so that Checks.Canary pays for
// checking its canary and not only for filling it.

/// <summary>Alloc+sized-free pairs of one size.</summary>
internal unsafe struct SizedPairWorkload
{
    public nuint Size;
    public int Count;

    public readonly void Run<TAlloc>()
        where TAlloc : struct, ISizedFreeAllocator
    {
        var size = Size;
        for (var i = 0; i < Count; i++)
        {
            var block = TAlloc.Alloc(size);
            TAlloc.Free(block, size);
        }
    }
}
