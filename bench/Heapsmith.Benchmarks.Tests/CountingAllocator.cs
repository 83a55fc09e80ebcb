using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Tests;

// A test allocator over NativeMemory that tracks the live blocks of the current thread: a
// workload run with it must never free a block that is not live and must end with none live.

/// <summary>Allocator that records live blocks per thread.</summary>
internal readonly unsafe struct CountingAllocator : IAllocator
{
    [ThreadStatic]
    private static HashSet<nint>? t_live;

    [ThreadStatic]
    private static long t_allocations;

    public static bool IsAvailable => true;

    public static bool IsThreadSafe => false;

    public static IReadOnlyCollection<nint> Live => t_live ??= [];

    public static long Allocations => t_allocations;

    public static void Reset()
    {
        t_live = [];
        t_allocations = 0;
    }

    public static void* Alloc(nuint size)
    {
        var block = NativeMemory.AlignedAlloc(Math.Max(size, 1), 16);
        Assert.True((t_live ??= []).Add((nint)block), "Alloc returned a live block");
        t_allocations++;
        return block;
    }

    public static void Free(void* block)
    {
        if (block == null)
        {
            return;
        }

        Assert.True((t_live ??= []).Remove((nint)block), "Free of a block that is not live");
        NativeMemory.AlignedFree(block);
    }

    public static void* Realloc(void* block, nuint newSize)
    {
        if (block == null)
        {
            return Alloc(newSize);
        }

        Assert.True((t_live ??= []).Remove((nint)block), "Realloc of a block that is not live");
        var moved = NativeMemory.AlignedRealloc(block, Math.Max(newSize, 1), 16);
        t_live.Add((nint)moved);
        return moved;
    }
}
