using System.Runtime.CompilerServices;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Workloads;

// PairWorkload with a sized free: alloc then free one block of a fixed size, Count times, the free
// given the requested size. What the check-cost measurement runs, so that Checks.Canary pays for
// checking its canary and not only for filling it.
//
// Run is never inlined: the check-cost mode calls every instantiation from one switch, and a
// caller that inlined several of these loops would share one inlining budget among them, leaving
// some with Alloc and Free as calls, a different set in each process, as its profile decided.

/// <summary>Alloc+sized-free pairs of one size.</summary>
internal unsafe struct SizedPairWorkload
{
    public nuint Size;
    public int Count;

    [MethodImpl(MethodImplOptions.NoInlining)]
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
