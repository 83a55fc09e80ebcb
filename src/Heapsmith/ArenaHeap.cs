using System;
using System.ComponentModel;

namespace Heapsmith;

// PLACEHOLDER (foundation only): the contract generated instance heaps call. The engine issues
// replace it with an independent heap whose Dispose() unmaps all of its segments at once.
/// <summary>An independent heap described by <typeparamref name="TSpec"/>; generated instance heaps forward here.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class ArenaHeap<TSpec> : IDisposable
    where TSpec : struct, IHeapSpec
{
    private bool _disposed;

    /// <summary>Allocates a block; throws <see cref="OutOfMemoryException"/>.</summary>
    public void* Alloc(nuint size) => StaticHeap<TSpec>.Alloc(size);

    /// <summary>Allocates a block, or returns null.</summary>
    public void* TryAlloc(nuint size) => StaticHeap<TSpec>.TryAlloc(size);

    /// <summary>Allocates zeroed memory for <paramref name="count"/> × <paramref name="size"/> bytes.</summary>
    public void* AllocZeroed(nuint count, nuint size) => StaticHeap<TSpec>.AllocZeroed(count, size);

    /// <summary>Resizes a block, keeping its contents.</summary>
    public void* Realloc(void* ptr, nuint newSize) => StaticHeap<TSpec>.Realloc(ptr, newSize);

    /// <summary>Allocates an aligned block.</summary>
    public void* AlignedAlloc(nuint size, nuint alignment) => StaticHeap<TSpec>.AlignedAlloc(size, alignment);

    /// <summary>Frees a block.</summary>
    public void Free(void* ptr) => StaticHeap<TSpec>.Free(ptr);

    /// <summary>Frees a block of known size.</summary>
    public void Free(void* ptr, nuint size) => StaticHeap<TSpec>.Free(ptr, size);

    /// <summary>The usable size of a live block.</summary>
    public nuint UsableSize(void* ptr) => StaticHeap<TSpec>.UsableSize(ptr);

    /// <summary>The size <c>Alloc(size)</c> provides.</summary>
    public nuint GoodSize(nuint size) => StaticHeap<TSpec>.GoodSize(size);

    /// <summary>Whether the block belongs to this heap.</summary>
    public bool Owns(void* ptr) => false;

    /// <summary>The heap's counters.</summary>
    public HeapStats GetStats() => default;

    /// <summary>Returns free pages to the OS.</summary>
    public void Trim()
    {
    }

    /// <summary>Releases all of the heap's memory at once.</summary>
    public void Dispose() => _disposed = true;

    /// <summary>Whether <see cref="Dispose"/> ran.</summary>
    public bool IsDisposed => _disposed;
}
