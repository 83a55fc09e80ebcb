using System.Runtime.CompilerServices;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Workloads;

// A buffer that grows by small steps, as a string builder or a list does when it is appended to:
// Realloc from one step to Steps * StepSize bytes (crossing every small class and into the large
// path), writing the new last byte each time, then Free. Rewards growing in place.

/// <summary>Realloc growth of one buffer by fixed steps.</summary>
internal unsafe struct ReallocGrowthWorkload : IAllocatorWorkload
{
    public int Steps;
    public int StepSize;

    /// <summary>Sum of the last bytes read back; keeps the writes observable.</summary>
    public long Checksum;

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Run<TAlloc>()
        where TAlloc : struct, IAllocator
    {
        var size = (nuint)StepSize;
        var buffer = (byte*)TAlloc.Alloc(size);
        buffer[size - 1] = 1;
        long sum = 0;
        for (var step = 1; step < Steps; step++)
        {
            size += (nuint)StepSize;
            buffer = (byte*)TAlloc.Realloc(buffer, size);
            sum += buffer[size - 1 - (nuint)StepSize];
            buffer[size - 1] = 1;
        }

        TAlloc.Free(buffer);
        Checksum = sum;
    }
}
