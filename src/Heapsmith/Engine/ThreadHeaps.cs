using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Heapsmith.Engine;

// The calling thread's heap of a thread-safe static heap: a [ThreadStatic] pointer per spec, made on
// the thread's first allocation, with a sentinel object in a second [ThreadStatic] field whose
// finalizer runs after the thread is gone and abandons the heap's pages (the core also notices
// ended threads by itself; whichever comes first wins, the other does nothing).

/// <summary>Per-thread heaps of the static heap of <typeparamref name="TSpec"/>.</summary>
internal static unsafe class ThreadHeaps<TSpec>
    where TSpec : struct, IHeapSpec
{
    [ThreadStatic]
    private static ThreadHeap* t_heap;

    [ThreadStatic]
    private static ThreadExitSentinel<TSpec>? t_sentinel;

    /// <summary>The calling thread's heap, or null before its first allocation.</summary>
    public static ThreadHeap* Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => t_heap;
    }

    /// <summary>Makes the calling thread's heap; null when the OS refuses memory for it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ThreadHeap* CreateCurrent(HeapCore<TSpec> core)
    {
        var heap = core.CreateThreadHeap(Thread.CurrentThread);
        if (heap != null)
        {
            t_sentinel = new ThreadExitSentinel<TSpec>(core, heap, heap->Generation);
            t_heap = heap;
        }

        return heap;
    }
}

/// <summary>Finalized after its thread ended: abandons that thread's heap.</summary>
internal sealed unsafe class ThreadExitSentinel<TSpec>(HeapCore<TSpec> core, ThreadHeap* heap, int generation)
    where TSpec : struct, IHeapSpec
{
    private readonly HeapCore<TSpec> _core = core;
    private readonly nint _heap = (nint)heap;
    private readonly int _generation = generation;

    ~ThreadExitSentinel()
    {
        _core.AbandonThreadHeap((ThreadHeap*)_heap, _generation);
    }
}
