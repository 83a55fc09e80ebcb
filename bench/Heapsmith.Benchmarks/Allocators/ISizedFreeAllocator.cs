namespace Heapsmith.Benchmarks.Allocators;

// An allocator that also takes the requested size back at free (C23 free_sized, Heapsmith's
// Free(ptr, size)). The check-cost measurement frees this way: a Heapsmith heap checks a block's
// canary only when it is told the requested size.

/// <summary>An allocator with a sized free.</summary>
internal unsafe interface ISizedFreeAllocator : IAllocator
{
    /// <summary>Frees a block of <paramref name="size"/> requested bytes (the size Alloc was given).</summary>
    static abstract void Free(void* block, nuint size);
}
