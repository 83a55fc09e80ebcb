namespace Heapsmith.Benchmarks.Allocators;

// One allocator under test, seen the same way by every workload. Members are static abstract and
// implementations are structs, so a workload written as `Run<TAlloc>() where TAlloc : struct,
// IAllocator` is compiled once per allocator with direct (inlinable) calls: no interface or
// virtual dispatch is measured. Invariants every implementation keeps:
// - Alloc never returns null (it throws OutOfMemoryException); the block is 16-byte aligned, or
//   8-byte aligned when it is 8 bytes or smaller (all C requires; mimalloc does so);
// - Free(null) is a no-op; Free takes any pointer Alloc or Realloc of the same allocator returned;
// - Realloc(p, n) keeps min(old, n) bytes of contents and frees p when it moves the block.

/// <summary>An allocator the benchmark calls through generic struct dispatch.</summary>
internal unsafe interface IAllocator
{
    /// <summary>Whether the allocator can run in this process (its library loaded).</summary>
    static abstract bool IsAvailable { get; }

    /// <summary>Whether blocks may be allocated and freed from several threads at once.</summary>
    static abstract bool IsThreadSafe { get; }

    /// <summary>Allocates at least <paramref name="size"/> bytes.</summary>
    static abstract void* Alloc(nuint size);

    /// <summary>Frees a block; null is a no-op.</summary>
    static abstract void Free(void* block);

    /// <summary>Resizes a block, keeping its contents.</summary>
    static abstract void* Realloc(void* block, nuint newSize);

    /// <summary>Gives free memory back to the OS with the allocator's own API, called on this thread (none by default).</summary>
    static virtual void Trim()
    {
    }
}
