using System.Runtime.CompilerServices;
using Heapsmith.Benchmarks.Specs;

namespace Heapsmith.Benchmarks.Allocators;

// The Heapsmith heaps under test, one adapter per declared heap (BenchHeaps.cs). Each forwards to
// the engine the generated members forward to, StaticHeap<spec>, with a hand-written spec.
// SWITCH AFTER MERGE: once the generator emits Alloc/Free/Realloc, replace each
// `StaticHeap<HandSpec<...>>.X` by the declared heap's `BenchHeap.X` (BenchHeapUnsync, BenchHeapPow2),
// so the benchmark measures the generated inline fast path itself.

/// <summary>The default heap (<see cref="BenchHeap"/>).</summary>
internal readonly unsafe struct HeapsmithAllocator : IAllocator
{
    public static bool IsAvailable => true;

    public static bool IsThreadSafe => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => StaticHeap<HandSpec<DefaultHeapConfig>>.Alloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => StaticHeap<HandSpec<DefaultHeapConfig>>.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => StaticHeap<HandSpec<DefaultHeapConfig>>.Realloc(block, newSize);
}

/// <summary>The single-threaded heap (<see cref="BenchHeapUnsync"/>): measured in one-thread cases only.</summary>
internal readonly unsafe struct HeapsmithUnsyncAllocator : IAllocator
{
    public static bool IsAvailable => true;

    public static bool IsThreadSafe => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => StaticHeap<HandSpec<UnsyncHeapConfig>>.Alloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => StaticHeap<HandSpec<UnsyncHeapConfig>>.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => StaticHeap<HandSpec<UnsyncHeapConfig>>.Realloc(block, newSize);
}

/// <summary>The powers-of-two heap (<see cref="BenchHeapPow2"/>).</summary>
internal readonly unsafe struct HeapsmithPow2Allocator : IAllocator
{
    public static bool IsAvailable => true;

    public static bool IsThreadSafe => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => StaticHeap<HandSpec<PowersOfTwoHeapConfig>>.Alloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => StaticHeap<HandSpec<PowersOfTwoHeapConfig>>.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => StaticHeap<HandSpec<PowersOfTwoHeapConfig>>.Realloc(block, newSize);
}
