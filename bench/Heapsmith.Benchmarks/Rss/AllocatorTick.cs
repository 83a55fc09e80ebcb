using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Rss;

// A little allocation activity at every size order: run before the baseline so an allocator's lazy
// set-up (thread heap, first segment, library state) counts as baseline, and after a release so
// allocators that purge on their slow paths rather than on a timer get the chance to.

/// <summary>A few alloc+free pairs at each power of two from 16 B to 8 KiB.</summary>
internal unsafe struct AllocatorTick : IAllocatorWorkload
{
    public readonly void Run<TAlloc>()
        where TAlloc : struct, IAllocator
    {
        for (nuint size = 16; size <= 8192; size *= 2)
        {
            for (var i = 0; i < 64; i++)
            {
                var block = (byte*)TAlloc.Alloc(size);
                *block = 1;
                TAlloc.Free(block);
            }
        }
    }
}
