using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using Heapsmith.Engine;

namespace Heapsmith;

// An arena: an independent heap with its own segments (its own heap core). Dispose unmaps every
// segment at once, without freeing blocks one by one, and is idempotent; every member afterwards
// throws ObjectDisposedException.
//
// Thread-safe specs: like the static heap, each thread allocates from its own thread heap of the
// arena (ArenaThreadHeaps), with the same inlined fast paths and no lock; frees from other threads
// cost one CAS; large blocks and page refills take the arena core's lock. Not thread safe: one
// heap, no lock, no atomics.
// Dispose must not run concurrently with other members on the same arena (it unmaps the memory
// they work on); members called after it returns throw. No finalizer: blocks are raw pointers that
// do not keep the arena reachable, so a finalizer could unmap memory still in use; an arena never
// disposed keeps its memory until the process ends. Pointers of another heap (another arena,
// the static heap) are ignored by Free and rejected by Realloc; see HeapApi.

/// <summary>An independent heap described by <typeparamref name="TSpec"/>; generated instance heaps forward here.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed unsafe class ArenaHeap<TSpec> : IDisposable
    where TSpec : struct, IHeapSpec
{
    private readonly HeapCore<TSpec> _core;

    /// <summary>The core's id, kept here so the fast path finds the thread's heap without loading the core.</summary>
    private readonly long _id;

    /// <summary>The one heap of a spec that is not thread safe (created on first use).</summary>
    private ThreadHeap* _single;

    private int _disposed;

    /// <summary>Creates an empty arena; it takes memory from the OS on its first allocation.</summary>
    public ArenaHeap()
    {
        _core = new HeapCore<TSpec>();
        _id = _core.Id;
    }

    /// <summary>The heap core (tests look at its pages and thread heaps).</summary>
    internal HeapCore<TSpec> Core => _core;

    /// <summary>Whether <see cref="Dispose"/> ran.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private ThreadHeap* CurrentHeap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSpec.ThreadSafe ? ArenaThreadHeaps<TSpec>.Find(_id) : _single;
    }

    /// <summary>Allocates a block; throws <see cref="OutOfMemoryException"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void* Alloc(nuint size)
    {
        var block = TryPopSmall(size);
        return block != null ? block : AllocGeneric(size);
    }

    /// <summary>Allocates a block, or returns null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void* TryAlloc(nuint size)
    {
        var block = TryPopSmall(size);
        return block != null ? block : TryAllocGeneric(size);
    }

    /// <summary>The fast path: a small block popped from the calling thread's page (FastPaths), or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void* TryPopSmall(nuint size)
    {
        ThrowIfDisposed();
        return HeapCheck<TSpec>.Padded(size) <= (nuint)TSpec.MaxSmallSize ? FastPaths<TSpec>.TryPopSmall(CurrentHeap, size) : null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void* AllocGeneric(nuint size)
    {
        var block = TryAllocGeneric(size);
        return block != null ? block : throw HeapApi<TSpec>.OutOfMemory(_core, size);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void* TryAllocGeneric(nuint size)
    {
        var heap = HeapForAlloc();
        return heap == null ? null : HeapCheck<TSpec>.AfterAlloc(HeapApi<TSpec>.TryAlloc(_core, heap, size), size);
    }

    /// <summary>Allocates zeroed memory for <paramref name="count"/> × <paramref name="size"/> bytes.</summary>
    public void* AllocZeroed(nuint count, nuint size)
    {
        var block = HeapApi<TSpec>.AllocZeroed(_core, HeapForAllocOrThrow(count * size), count, size);
        return HeapCheck<TSpec>.AfterAlloc(block, count * size);
    }

    /// <summary>Resizes a block, keeping its contents.</summary>
    public void* Realloc(void* ptr, nuint newSize)
    {
        if (ptr == null)
        {
            return Alloc(newSize);
        }

        if (HeapApi<TSpec>.TryReallocInPlace(_core, ptr, newSize))
        {
            return ptr;
        }

        var block = HeapApi<TSpec>.Realloc(_core, HeapForAllocOrThrow(newSize), ptr, newSize);
        return HeapCheck<TSpec>.AfterAlloc(block, newSize);
    }

    /// <summary>Allocates an aligned block.</summary>
    public void* AlignedAlloc(nuint size, nuint alignment)
    {
        var block = HeapApi<TSpec>.AlignedAlloc(_core, HeapForAllocOrThrow(size), size, alignment);
        return HeapCheck<TSpec>.AfterAlloc(block, size);
    }

    /// <summary>Frees a block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(void* ptr) => FreeBlock(ptr, 0, sized: false);

    /// <summary>Frees a block of known size (checks its canary when Checks.Canary is on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(void* ptr, nuint size) => FreeBlock(ptr, size, sized: HeapCheck<TSpec>.HasCanary);

    /// <summary>The free fast path, as the static heap's (StaticHeap.FreeBlock): checks inlined for the thread's own pages.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FreeBlock(void* ptr, nuint size, bool sized)
    {
        ThrowIfDisposed();
        var page = SegmentLayout<TSpec>.PageOf(ptr);
        var heap = CurrentHeap;
        if (page != null && heap != null && page->Heap == heap)
        {
            if (HeapCheck<TSpec>.Enabled)
            {
                HeapCheck<TSpec>.BeforeLocalFree(page, ptr, size, sized);
            }

            SmallAlloc<TSpec>.FreeLocal(_core, heap, page, ptr);
            return;
        }

        if (HeapCheck<TSpec>.Enabled)
        {
            FreeChecked(heap, ptr, page, size, sized);
            return;
        }

        HeapApi<TSpec>.Free(_core, heap, ptr, page);
    }

    /// <summary>The generic free with checks: a remote, large, huge or foreign block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void FreeChecked(ThreadHeap* heap, void* ptr, Page* page, nuint size, bool sized)
    {
        if (sized)
        {
            HeapCheck<TSpec>.CheckCanary(_core, ptr, size);
        }

        HeapCheck<TSpec>.BeforeFree(_core, ptr, page);
        HeapApi<TSpec>.Free(_core, heap, ptr, page);
    }

    /// <summary>Allocates room for <paramref name="length"/> values of <typeparamref name="T"/> as a span over a new block.</summary>
    public Span<T> AllocSpan<T>(int length)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new Span<T>(Alloc((nuint)length * (nuint)sizeof(T)), length);
    }

    /// <summary>Frees the block a span from <see cref="AllocSpan{T}"/> covers.</summary>
    public void Free<T>(Span<T> span)
        where T : unmanaged => Free(Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)));

    /// <summary>Allocates room for <paramref name="length"/> values of <typeparamref name="T"/>, owned as Memory: disposing the owner frees it (nothing once the arena is disposed).</summary>
    public HeapMemory<T> AllocMemory<T>(int length)
        where T : unmanaged
    {
        var span = AllocSpan<T>(length);
        return new ArenaHeapMemory<TSpec, T>(this, Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)), length);
    }

    /// <summary>The usable size of a live block.</summary>
    public nuint UsableSize(void* ptr)
    {
        ThrowIfDisposed();
        return HeapApi<TSpec>.UsableSize(_core, ptr);
    }

    /// <summary>The size <c>Alloc(size)</c> provides.</summary>
    public nuint GoodSize(nuint size)
    {
        ThrowIfDisposed();
        return HeapCheck<TSpec>.GoodSize(size);
    }

    /// <summary>Whether the block belongs to this heap.</summary>
    public bool Owns(void* ptr)
    {
        ThrowIfDisposed();
        return HeapApi<TSpec>.Owns(_core, ptr);
    }

    /// <summary>The heap's counters.</summary>
    public HeapStats GetStats()
    {
        ThrowIfDisposed();
        return _core.GetStats();
    }

    /// <summary>Writes the heap's statistics as a table, one row per size class in use.</summary>
    public void WriteStats(System.IO.TextWriter writer)
    {
        ThrowIfDisposed();
        _core.GetStats().WriteTable(writer, TSpec.Name);
    }

    /// <summary>Caps the heap's committed memory at <paramref name="bytes"/>; 0 removes the cap.</summary>
    public void SetMemoryLimit(long bytes)
    {
        ThrowIfDisposed();
        _core.MemoryLimit = HeapApi<TSpec>.CheckMemoryLimit(bytes);
    }

    /// <summary>Lists the live blocks by allocation site (with HeapChecks.Leaks; without it, their count and bytes); returns the blocks listed.</summary>
    public int ReportLeaks(System.IO.TextWriter writer)
    {
        ThrowIfDisposed();
        return _core.ReportLeaks(writer);
    }

    /// <summary>Checks every invariant of the arena's segments, pages and lists; throws <see cref="HeapCorruptionException"/> naming the first one broken.</summary>
    public void Validate()
    {
        ThrowIfDisposed();
        _core.Validate();
    }

    /// <summary>Calls <paramref name="visitor"/> for every live block until it returns false.</summary>
    public void VisitBlocks<TVisitor>(ref TVisitor visitor)
        where TVisitor : IHeapBlockVisitor
    {
        ThrowIfDisposed();
        _core.VisitBlocks(ref visitor);
    }

    /// <summary>Returns free memory to the OS: every thread's empty pages of this arena, then every free span.</summary>
    public void Trim()
    {
        ThrowIfDisposed();
        var heap = CurrentHeap;
        if (heap != null)
        {
            SmallAlloc<TSpec>.ReleaseEmptyPages(_core, heap);
        }

        _core.TrimThreadHeaps(heap);
        _core.Trim();
    }

    /// <summary>Releases all of the heap's memory at once (with Checks.Canary, after checking every live block's canary: an overrun throws once the memory is released).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var overrun = HeapCheck<TSpec>.HasCanary ? _core.FindOverrun() : null;
        if (LeakTable<TSpec>.Enabled)
        {
            LeakTable<TSpec>.ReportAtDispose(_core.Id);
        }

        _single = null;
        _core.Release();
        if (TSpec.ThreadSafe)
        {
            ArenaThreadHeaps<TSpec>.Forget(_core);
        }

        if (overrun != null)
        {
            throw overrun;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void ThrowIfDisposed()
    {
        if (_disposed != 0)
        {
            ThrowDisposed();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowDisposed() => throw new ObjectDisposedException(GetType().FullName);

    /// <summary>The calling thread's heap of this arena, made if it has none yet; null when the OS refuses.</summary>
    private ThreadHeap* HeapForAlloc()
    {
        ThrowIfDisposed();
        var heap = CurrentHeap;
        if (heap != null)
        {
            return heap;
        }

        if (TSpec.ThreadSafe)
        {
            return ArenaThreadHeaps<TSpec>.Create(_core);
        }

        _single = _core.CreateThreadHeap(null);
        return _single;
    }

    private ThreadHeap* HeapForAllocOrThrow(nuint size)
    {
        var heap = HeapForAlloc();
        return heap != null ? heap : throw HeapApi<TSpec>.OutOfMemory(_core, size);
    }
}
