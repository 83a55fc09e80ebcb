using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Heapsmith.Engine;

// The calling thread's heap of each thread-safe arena of a spec: a one-entry cache (the arena this
// thread used last: a thread usually works with one arena at a time) in front of a per-thread map
// from heap core id to thread heap. Core ids are never reused, so a stale entry of a disposed
// arena never matches another arena; entries of released cores are pruned as the map grows.
// The thread heaps themselves belong to the arena's core: registered with their owner thread (so
// the core abandons them when the thread ends) and unmapped by the arena's Dispose.

/// <summary>Per-thread heaps of the thread-safe arenas of <typeparamref name="TSpec"/>.</summary>
internal static unsafe class ArenaThreadHeaps<TSpec>
    where TSpec : struct, IHeapSpec
{
    /// <summary>Map size below which released cores are not looked for.</summary>
    private const int MinPruneCount = 8;

    [ThreadStatic]
    private static long t_lastId;

    [ThreadStatic]
    private static ThreadHeap* t_lastHeap;

    [ThreadStatic]
    private static Dictionary<long, Entry>? t_heaps;

    [ThreadStatic]
    private static int t_pruneAt;

    /// <summary>Arenas the calling thread has a heap in, as far as its map knows (tests: pruning).</summary>
    internal static int MapCount => t_heaps?.Count ?? 0;

    /// <summary>The calling thread's heap of the core with id <paramref name="coreId"/>, or null before its first allocation there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ThreadHeap* Find(long coreId) => t_lastId == coreId ? t_lastHeap : FindSlow(coreId);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ThreadHeap* FindSlow(long coreId)
    {
        if (t_heaps is { } heaps && heaps.TryGetValue(coreId, out var entry))
        {
            Remember(coreId, entry.Heap);
            return entry.Heap;
        }

        return null;
    }

    /// <summary>Makes the calling thread's heap of <paramref name="core"/>; null when the OS refuses memory for it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ThreadHeap* Create(HeapCore<TSpec> core)
    {
        var heap = core.CreateThreadHeap(Thread.CurrentThread);
        if (heap == null)
        {
            return null;
        }

        var heaps = t_heaps ??= new Dictionary<long, Entry>();
        if (heaps.Count >= t_pruneAt)
        {
            PruneReleased(heaps);
            t_pruneAt = heaps.Count * 2 > MinPruneCount ? heaps.Count * 2 : MinPruneCount;
        }

        heaps[core.Id] = new Entry(core, heap);
        Remember(core.Id, heap);
        return heap;
    }

    /// <summary>Drops the calling thread's entry of a core being released.</summary>
    public static void Forget(HeapCore<TSpec> core)
    {
        if (t_lastId == core.Id)
        {
            Remember(0, null);
        }

        t_heaps?.Remove(core.Id);
    }

    private static void Remember(long id, ThreadHeap* heap)
    {
        t_lastId = id;
        t_lastHeap = heap;
    }

    private static void PruneReleased(Dictionary<long, Entry> heaps)
    {
        List<long>? released = null;
        foreach (var (id, entry) in heaps)
        {
            if (entry.Core.IsReleased)
            {
                (released ??= []).Add(id);
            }
        }

        if (released is not null)
        {
            foreach (var id in released)
            {
                heaps.Remove(id);
            }
        }
    }

    /// <summary>A thread heap and the core it belongs to (to see when the core was released).</summary>
    private readonly struct Entry(HeapCore<TSpec> core, ThreadHeap* heap)
    {
        public HeapCore<TSpec> Core { get; } = core;

        public ThreadHeap* Heap { get; } = heap;
    }
}
