using System.Runtime.CompilerServices;

namespace Heapsmith.Benchmarks.Allocators;

// The Heapsmith heaps under test, one adapter per declared heap (BenchHeaps.cs). Each calls the
// generated members (one-line forwards to StaticHeap/ArenaHeap, whose fast paths the JIT inlines
// into the benchmark's loop), so the benchmark measures what a user of the heap gets.

/// <summary>The default heap (<see cref="BenchHeap"/>).</summary>
internal readonly unsafe struct HeapsmithAllocator : IAllocator
{
    public static bool IsAvailable => true;

    public static bool IsThreadSafe => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => BenchHeap.Alloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => BenchHeap.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => BenchHeap.Realloc(block, newSize);

    public static void Trim() => BenchHeap.Trim();
}

/// <summary>The single-threaded heap (<see cref="BenchHeapUnsync"/>): measured in one-thread cases only.</summary>
internal readonly unsafe struct HeapsmithUnsyncAllocator : IAllocator
{
    public static bool IsAvailable => true;

    public static bool IsThreadSafe => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => BenchHeapUnsync.Alloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => BenchHeapUnsync.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => BenchHeapUnsync.Realloc(block, newSize);

    public static void Trim() => BenchHeapUnsync.Trim();
}

/// <summary>The powers-of-two heap (<see cref="BenchHeapPow2"/>).</summary>
internal readonly unsafe struct HeapsmithPow2Allocator : IAllocator
{
    public static bool IsAvailable => true;

    public static bool IsThreadSafe => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => BenchHeapPow2.Alloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => BenchHeapPow2.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => BenchHeapPow2.Realloc(block, newSize);

    public static void Trim() => BenchHeapPow2.Trim();
}

/// <summary>A thread-safe arena (<see cref="BenchArena"/>): per-thread heaps found through the arena, not a static.</summary>
internal readonly unsafe struct HeapsmithArenaAllocator : IAllocator
{
    private static readonly BenchArena Arena = new();

    public static bool IsAvailable => true;

    public static bool IsThreadSafe => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => Arena.Alloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => Arena.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => Arena.Realloc(block, newSize);

    public static void Trim() => Arena.Trim();
}
