using System;
using System.Buffers;
using System.ComponentModel;
using System.Threading;

namespace Heapsmith;

// A heap block as Memory<T>: a MemoryManager<T> over the block, so the block can be handed to any
// Memory<T> API (Stream.ReadAsync, System.IO.Pipelines, sockets). The block is native memory and
// never moves, so Pin is a pointer and Unpin nothing. Dispose frees the block once; after it the
// span throws ObjectDisposedException. An owner that is never disposed leaves its block allocated
// (there is no finalizer, as for arenas: freeing from the finalizer thread would race a heap that
// is not thread safe); .NET's dispose analyzer (CA2000) reports such an owner.

/// <summary>A heap block owned as <see cref="Memory{T}"/>: <see cref="IDisposable.Dispose"/> frees it. Made by the generated <c>AllocMemory&lt;T&gt;</c>.</summary>
/// <typeparam name="T">The element type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract unsafe class HeapMemory<T> : MemoryManager<T>
    where T : unmanaged
{
    private readonly int _length;
    private nint _block;

    /// <summary>Wraps <paramref name="length"/> elements at <paramref name="block"/>.</summary>
    /// <param name="block">The block, owned from now on by this object.</param>
    /// <param name="length">Elements in the block.</param>
    private protected HeapMemory(void* block, int length)
    {
        _block = (nint)block;
        _length = length;
    }

    /// <summary>The block's address; null once disposed.</summary>
    public void* Pointer => (void*)Volatile.Read(ref _block);

    /// <inheritdoc/>
    public override Span<T> GetSpan()
    {
        var block = Pointer;
        return block != null ? new Span<T>(block, _length) : throw new ObjectDisposedException(GetType().Name);
    }

    /// <inheritdoc/>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if ((uint)elementIndex > (uint)_length)
        {
            throw new ArgumentOutOfRangeException(nameof(elementIndex));
        }

        var block = Pointer;
        return block != null ? new MemoryHandle((T*)block + elementIndex) : throw new ObjectDisposedException(GetType().Name);
    }

    /// <inheritdoc/>
    public override void Unpin()
    {
        // Native memory never moves: nothing was pinned.
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        var block = Interlocked.Exchange(ref _block, 0);
        if (block != 0)
        {
            FreeBlock((void*)block);
        }
    }

    /// <summary>Returns the block to its heap.</summary>
    private protected abstract void FreeBlock(void* block);
}

/// <summary>A block of the static heap of <typeparamref name="TSpec"/> as <see cref="Memory{T}"/>.</summary>
internal sealed unsafe class StaticHeapMemory<TSpec, T>(void* block, int length) : HeapMemory<T>(block, length)
    where TSpec : struct, IHeapSpec
    where T : unmanaged
{
    private protected override void FreeBlock(void* block) => StaticHeap<TSpec>.Free(block);
}

/// <summary>A block of an arena as <see cref="Memory{T}"/>; disposing it after the arena does nothing (the arena released it).</summary>
internal sealed unsafe class ArenaHeapMemory<TSpec, T>(ArenaHeap<TSpec> arena, void* block, int length) : HeapMemory<T>(block, length)
    where TSpec : struct, IHeapSpec
    where T : unmanaged
{
    private protected override void FreeBlock(void* block)
    {
        if (!arena.IsDisposed)
        {
            arena.Free(block);
        }
    }
}
