using System.Collections.Generic;
using System.Runtime.InteropServices;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Tests;

// A test allocator over NativeMemory that records the size each sized free was given (this thread).

/// <summary>Allocator recording the sizes of sized frees.</summary>
internal readonly unsafe struct SizeRecordingAllocator : ISizedFreeAllocator
{
    [System.ThreadStatic]
    private static List<nuint>? t_freedSizes;

    public static bool IsAvailable => true;

    public static bool IsThreadSafe => false;

    public static IReadOnlyList<nuint> FreedSizes => t_freedSizes ??= [];

    public static void Reset() => t_freedSizes = [];

    public static void* Alloc(nuint size) => NativeMemory.Alloc(size);

    public static void Free(void* block) => NativeMemory.Free(block);

    public static void Free(void* block, nuint size)
    {
        (t_freedSizes ??= []).Add(size);
        NativeMemory.Free(block);
    }

    public static void* Realloc(void* block, nuint newSize) => NativeMemory.Realloc(block, newSize);
}
