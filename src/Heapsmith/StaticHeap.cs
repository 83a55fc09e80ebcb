using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Heapsmith.Engine;

namespace Heapsmith;

// The process-wide heap of a spec: generated static heaps forward here. Thread-safe specs give each
// thread its own thread heap (a [ThreadStatic] pointer); others use one heap and no atomics.
// The generated members are one-line forwards to this class; its Alloc and Free of small blocks
// are AggressiveInlining fast paths (a free-list pop / push on the calling thread's page), so the
// JIT inlines them through the forward into the caller; everything else goes to the engine's
// generic paths (Heapsmith.Engine).

/// <summary>The process-wide heap described by <typeparamref name="TSpec"/>; generated static heaps forward here.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class StaticHeap<TSpec>
    where TSpec : struct, IHeapSpec
{
    private static readonly HeapCore<TSpec> s_core = new();

    /// <summary>The one heap of a spec that is not thread safe (created on first use).</summary>
    private static ThreadHeap* s_single;

    /// <summary>The heap core (tests look at its thread heaps).</summary>
    internal static HeapCore<TSpec> Core => s_core;

    private static ThreadHeap* CurrentHeap
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TSpec.ThreadSafe ? ThreadHeaps<TSpec>.Current : s_single;
    }

    /// <summary>Allocates a block of at least <paramref name="size"/> bytes; throws <see cref="OutOfMemoryException"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size)
    {
        var block = TryPopSmall(size);
        return block != null ? block : AllocGeneric(size);
    }

    /// <summary>Allocates a block of at least <paramref name="size"/> bytes, or returns null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* TryAlloc(nuint size)
    {
        var block = TryPopSmall(size);
        return block != null ? block : TryAllocGeneric(size);
    }

    /// <summary>The fast path: a small block popped from the calling thread's page (FastPaths), or null.</summary>
    /// <remarks>
    /// The thread-local read comes first, on every path: a [ThreadStatic] of a generic class is a
    /// helper call, and read where it dominates the free that follows an allocation, the JIT reuses
    /// it there (one call per alloc+free pair instead of two).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void* TryPopSmall(nuint size)
    {
        var heap = CurrentHeap;
        return HeapCheck<TSpec>.Padded(size) <= (nuint)TSpec.MaxSmallSize ? FastPaths<TSpec>.TryPopSmall(heap, size) : null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocGeneric(nuint size)
    {
        var block = TryAllocGeneric(size);
        return block != null ? block : throw HeapApi<TSpec>.OutOfMemory(s_core, size);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* TryAllocGeneric(nuint size)
    {
        var heap = HeapForAlloc();
        return heap == null ? null : HeapCheck<TSpec>.AfterAlloc(HeapApi<TSpec>.TryAlloc(s_core, heap, size), size);
    }

    /// <summary>The calling thread's heap, made if it has none yet; null when the OS refuses.</summary>
    private static ThreadHeap* HeapForAlloc()
    {
        var heap = CurrentHeap;
        if (heap != null)
        {
            return heap;
        }

        if (TSpec.ThreadSafe)
        {
            return ThreadHeaps<TSpec>.CreateCurrent(s_core);
        }

        s_single = s_core.CreateThreadHeap(null);
        return s_single;
    }

    /// <summary>Allocates <paramref name="count"/> × <paramref name="size"/> zeroed bytes.</summary>
    public static void* AllocZeroed(nuint count, nuint size)
    {
        var block = HeapApi<TSpec>.AllocZeroed(s_core, HeapForAllocOrThrow(count * size), count, size);
        return HeapCheck<TSpec>.AfterAlloc(block, count * size);
    }

    /// <summary>Resizes a block, keeping its contents.</summary>
    public static void* Realloc(void* ptr, nuint newSize)
    {
        if (ptr == null)
        {
            return Alloc(newSize);
        }

        if (HeapApi<TSpec>.TryReallocInPlace(s_core, ptr, newSize))
        {
            return ptr;
        }

        var block = HeapApi<TSpec>.Realloc(s_core, HeapForAllocOrThrow(newSize), ptr, newSize);
        return HeapCheck<TSpec>.AfterAlloc(block, newSize);
    }

    /// <summary>Allocates a block aligned to <paramref name="alignment"/>.</summary>
    public static void* AlignedAlloc(nuint size, nuint alignment)
    {
        var block = HeapApi<TSpec>.AlignedAlloc(s_core, HeapForAllocOrThrow(size), size, alignment);
        return HeapCheck<TSpec>.AfterAlloc(block, size);
    }

    private static ThreadHeap* HeapForAllocOrThrow(nuint size)
    {
        var heap = HeapForAlloc();
        return heap != null ? heap : throw HeapApi<TSpec>.OutOfMemory(s_core, size);
    }

    /// <summary>Frees a block; null is a no-op.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* ptr) => FreeBlock(ptr, 0, sized: false);

    /// <summary>Frees a block whose requested size is known (checks its canary when Checks.Canary is on).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* ptr, nuint size) => FreeBlock(ptr, size, sized: HeapCheck<TSpec>.HasCanary);

    /// <summary>
    /// The free fast path: a block of a page the calling thread's heap owns goes onto that page's
    /// free list, its checks inlined; anything else takes the generic path. <paramref name="sized"/>
    /// (a constant at each call site) says whether <paramref name="size"/> is the requested size to
    /// check the canary against.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FreeBlock(void* ptr, nuint size, bool sized)
    {
        var page = SegmentLayout<TSpec>.PageOf(ptr);
        var heap = CurrentHeap;
        if (page != null && heap != null && page->Heap == heap)
        {
            if (HeapCheck<TSpec>.Enabled)
            {
                HeapCheck<TSpec>.BeforeLocalFree(page, ptr, size, sized);
            }

            SmallAlloc<TSpec>.FreeLocal(s_core, heap, page, ptr);
            return;
        }

        if (HeapCheck<TSpec>.Enabled)
        {
            FreeChecked(heap, ptr, page, size, sized);
            return;
        }

        HeapApi<TSpec>.Free(s_core, heap, ptr, page);
    }

    /// <summary>The generic free with checks: a remote, large, huge or foreign block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FreeChecked(ThreadHeap* heap, void* ptr, Page* page, nuint size, bool sized)
    {
        if (sized)
        {
            HeapCheck<TSpec>.CheckCanary(s_core, ptr, size);
        }

        HeapCheck<TSpec>.BeforeFree(s_core, ptr, page);
        HeapApi<TSpec>.Free(s_core, heap, ptr, page);
    }

    /// <summary>Allocates room for <paramref name="length"/> values of <typeparamref name="T"/> as a span over a new block.</summary>
    public static Span<T> AllocSpan<T>(int length)
        where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return new Span<T>(Alloc((nuint)length * (nuint)sizeof(T)), length);
    }

    /// <summary>Frees the block a span from <see cref="AllocSpan{T}"/> covers.</summary>
    public static void Free<T>(Span<T> span)
        where T : unmanaged => Free(Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)));

    /// <summary>Allocates room for <paramref name="length"/> values of <typeparamref name="T"/>, owned as Memory: disposing the owner frees it.</summary>
    public static HeapMemory<T> AllocMemory<T>(int length)
        where T : unmanaged
    {
        var span = AllocSpan<T>(length);
        return new StaticHeapMemory<TSpec, T>(Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)), length);
    }

    /// <summary>The usable size of a live block.</summary>
    public static nuint UsableSize(void* ptr) => HeapApi<TSpec>.UsableSize(s_core, ptr);

    /// <summary>The size <c>Alloc(size)</c> provides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint GoodSize(nuint size) => HeapCheck<TSpec>.GoodSize(size);

    /// <summary>Whether the block belongs to this heap.</summary>
    public static bool Owns(void* ptr) => HeapApi<TSpec>.Owns(s_core, ptr);

    /// <summary>The heap's counters.</summary>
    public static HeapStats GetStats() => s_core.GetStats();

    /// <summary>Writes the heap's statistics as a table, one row per size class in use.</summary>
    public static void WriteStats(System.IO.TextWriter writer) => s_core.GetStats().WriteTable(writer, TSpec.Name);

    /// <summary>Caps the heap's committed memory at <paramref name="bytes"/>; 0 removes the cap.</summary>
    public static void SetMemoryLimit(long bytes) => s_core.MemoryLimit = HeapApi<TSpec>.CheckMemoryLimit(bytes);

    /// <summary>Lists the live blocks by allocation site (with HeapChecks.Leaks; without it, their count and bytes); returns the blocks listed.</summary>
    public static int ReportLeaks(System.IO.TextWriter writer) => s_core.ReportLeaks(writer);

    /// <summary>Checks every invariant of the heap's segments, pages and lists; throws <see cref="HeapCorruptionException"/> naming the first one broken.</summary>
    public static void Validate() => s_core.Validate();

    /// <summary>Calls <paramref name="visitor"/> for every live block until it returns false.</summary>
    public static void VisitBlocks<TVisitor>(ref TVisitor visitor)
        where TVisitor : IHeapBlockVisitor => s_core.VisitBlocks(ref visitor);

    /// <summary>
    /// Returns free memory to the OS: the empty pages of the calling thread's heap and of every other
    /// thread's heap (pages whose blocks were all freed, by any thread), then every free span, and
    /// wholly free segments beyond a small reserve.
    /// </summary>
    public static void Trim()
    {
        var heap = CurrentHeap;
        if (heap != null)
        {
            SmallAlloc<TSpec>.ReleaseEmptyPages(s_core, heap);
        }

        s_core.TrimThreadHeaps(heap);
        s_core.Trim();
    }
}
