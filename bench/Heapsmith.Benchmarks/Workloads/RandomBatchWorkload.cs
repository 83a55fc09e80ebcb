using System.Runtime.CompilerServices;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Workloads;

// Allocate a batch of blocks of random sizes (log-uniform 16 B..8 KiB, fixed seed), write the first
// byte of each, then free them all in a random order: free lists get out of address order, pages
// fill and empty, the size-class lookup sees every class.

/// <summary>A batch of random-size blocks freed in random order.</summary>
internal unsafe struct RandomBatchWorkload : IAllocatorWorkload
{
    private readonly nuint[] _sizes;
    private readonly int[] _freeOrder;
    private readonly nint[] _blocks;

    public RandomBatchWorkload(int count, ulong seed)
    {
        var random = new FastRandom(seed);
        _sizes = new nuint[count];
        _freeOrder = new int[count];
        _blocks = new nint[count];
        for (var i = 0; i < count; i++)
        {
            _sizes[i] = random.NextLogUniformSize(4, 13);
            _freeOrder[i] = i;
        }

        for (var i = count - 1; i > 0; i--)
        {
            var j = random.NextInt(i + 1);
            (_freeOrder[i], _freeOrder[j]) = (_freeOrder[j], _freeOrder[i]);
        }
    }

    public readonly int Count => _sizes.Length;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public readonly void Run<TAlloc>()
        where TAlloc : struct, IAllocator
    {
        var sizes = _sizes;
        var blocks = _blocks;
        for (var i = 0; i < sizes.Length; i++)
        {
            var block = (byte*)TAlloc.Alloc(sizes[i]);
            *block = (byte)i;
            blocks[i] = (nint)block;
        }

        foreach (var index in _freeOrder)
        {
            TAlloc.Free((void*)blocks[index]);
        }
    }
}
