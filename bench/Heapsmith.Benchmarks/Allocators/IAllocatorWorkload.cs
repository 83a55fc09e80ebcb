namespace Heapsmith.Benchmarks.Allocators;

/// <summary>
/// A piece of work generic over the allocator. <see cref="AllocatorSet.Run{TWorkload}"/> turns an
/// <see cref="AllocatorKind"/> into the matching type argument once per call, so the loops inside
/// <see cref="Run{TAlloc}"/> are compiled per allocator with direct calls.
/// </summary>
internal interface IAllocatorWorkload
{
    void Run<TAlloc>()
        where TAlloc : struct, IAllocator;
}
