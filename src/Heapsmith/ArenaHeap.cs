using System;
using System.ComponentModel;
using System.Threading;
using Heapsmith.Engine;

namespace Heapsmith;

// An arena: an independent heap with its own segments (its own heap core, one heap of pages).
// Dispose unmaps every segment at once, without freeing blocks one by one, and is idempotent;
// every member afterwards throws ObjectDisposedException.
//
// Thread-safe specs: every operation takes the arena's lock (one Monitor per call), so any thread
// may allocate and free concurrently. Not thread safe: no lock, no atomics.
// Pointers of another heap (another arena, the static heap) are ignored by Free and rejected by
// Realloc; see HeapApi.

/// <summary>An independent heap described by <typeparamref name="TSpec"/>; generated instance heaps forward here.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class ArenaHeap<TSpec> : IDisposable
    where TSpec : struct, IHeapSpec
{
    private readonly HeapCore<TSpec> _core = new();
    private ThreadHeap* _heap;
    private bool _disposed;

    /// <summary>Allocates a block; throws <see cref="OutOfMemoryException"/>.</summary>
    public void* Alloc(nuint size)
    {
        var block = TryAlloc(size);
        return block != null ? block : throw HeapApi<TSpec>.OutOfMemory(size);
    }

    /// <summary>Allocates a block, or returns null.</summary>
    public void* TryAlloc(nuint size)
    {
        Enter();
        try
        {
            var heap = Heap();
            var block = heap == null ? null : HeapApi<TSpec>.TryAlloc(_core, heap, size);
            return HeapCheck<TSpec>.AfterAlloc(block, size);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Allocates zeroed memory for <paramref name="count"/> × <paramref name="size"/> bytes.</summary>
    public void* AllocZeroed(nuint count, nuint size)
    {
        Enter();
        try
        {
            var block = HeapApi<TSpec>.AllocZeroed(_core, HeapOrThrow(), count, size);
            return HeapCheck<TSpec>.AfterAlloc(block, count * size);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Resizes a block, keeping its contents.</summary>
    public void* Realloc(void* ptr, nuint newSize)
    {
        if (ptr == null)
        {
            return Alloc(newSize);
        }

        Enter();
        try
        {
            var block = HeapApi<TSpec>.Realloc(_core, HeapOrThrow(), ptr, newSize);
            return HeapCheck<TSpec>.AfterAlloc(block, newSize);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Allocates an aligned block.</summary>
    public void* AlignedAlloc(nuint size, nuint alignment)
    {
        Enter();
        try
        {
            var block = HeapApi<TSpec>.AlignedAlloc(_core, HeapOrThrow(), size, alignment);
            return HeapCheck<TSpec>.AfterAlloc(block, size);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Frees a block.</summary>
    public void Free(void* ptr) => Free(ptr, 0, sized: false);

    /// <summary>Frees a block of known size (checks its canary when Checks.Canary is on).</summary>
    public void Free(void* ptr, nuint size) => Free(ptr, size, HeapCheck<TSpec>.HasCanary);

    private void Free(void* ptr, nuint size, bool sized)
    {
        Enter();
        try
        {
            var page = SegmentLayout<TSpec>.PageOf(ptr);
            if (HeapCheck<TSpec>.Enabled)
            {
                // A small block of the arena's own pages: the inlined checks; anything else the generic ones.
                if (page != null && _heap != null && page->Heap == _heap)
                {
                    HeapCheck<TSpec>.BeforeLocalFree(page, ptr, size, sized);
                }
                else
                {
                    if (sized)
                    {
                        HeapCheck<TSpec>.CheckCanary(_core, ptr, size);
                    }

                    HeapCheck<TSpec>.BeforeFree(_core, ptr, page);
                }
            }

            HeapApi<TSpec>.Free(_core, _heap, ptr, page);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The usable size of a live block.</summary>
    public nuint UsableSize(void* ptr)
    {
        Enter();
        try
        {
            return HeapApi<TSpec>.UsableSize(_core, ptr);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The size <c>Alloc(size)</c> provides.</summary>
    public nuint GoodSize(nuint size)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return HeapCore<TSpec>.GoodSize(size);
    }

    /// <summary>Whether the block belongs to this heap.</summary>
    public bool Owns(void* ptr)
    {
        Enter();
        try
        {
            return HeapApi<TSpec>.Owns(_core, ptr);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>The heap's counters.</summary>
    public HeapStats GetStats()
    {
        Enter();
        try
        {
            return _core.GetStats();
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Returns free pages to the OS.</summary>
    public void Trim()
    {
        Enter();
        try
        {
            if (_heap != null)
            {
                SmallAlloc<TSpec>.ReleaseEmptyPages(_core, _heap);
            }

            _core.Trim();
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Releases all of the heap's memory at once.</summary>
    public void Dispose()
    {
        if (TSpec.ThreadSafe)
        {
            Monitor.Enter(_core.SyncRoot);
        }

        try
        {
            if (!_disposed)
            {
                _disposed = true;
                _heap = null;
                _core.Release();
            }
        }
        finally
        {
            if (TSpec.ThreadSafe)
            {
                Monitor.Exit(_core.SyncRoot);
            }
        }
    }

    /// <summary>Whether <see cref="Dispose"/> ran.</summary>
    public bool IsDisposed => _disposed;

    private void Enter()
    {
        if (TSpec.ThreadSafe)
        {
            Monitor.Enter(_core.SyncRoot);
        }

        if (_disposed)
        {
            Exit();
            throw new ObjectDisposedException(GetType().FullName);
        }
    }

    private void Exit()
    {
        if (TSpec.ThreadSafe)
        {
            Monitor.Exit(_core.SyncRoot);
        }
    }

    private ThreadHeap* Heap()
    {
        if (_heap == null)
        {
            _heap = _core.CreateThreadHeap(null);
        }

        return _heap;
    }

    private ThreadHeap* HeapOrThrow()
    {
        var heap = Heap();
        return heap != null ? heap : throw HeapApi<TSpec>.OutOfMemory(0);
    }
}
