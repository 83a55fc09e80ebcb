using System.Runtime.CompilerServices;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Workloads;

// Alloc then free one block of a fixed size, Count times: the fast path of both directions and
// nothing else (the block is not touched, the free list stays hot). The case the 1.15x-of-baseline
// target is about.

/// <summary>Alloc+free pairs of one size.</summary>
internal unsafe struct PairWorkload : IAllocatorWorkload
{
    public nuint Size;
    public int Count;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Run<TAlloc>()
        where TAlloc : struct, IAllocator
    {
        var size = Size;
        for (var i = 0; i < Count; i++)
        {
            var block = TAlloc.Alloc(size);
            TAlloc.Free(block);
        }
    }
}
