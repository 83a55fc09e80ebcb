using System.Runtime.CompilerServices;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks;

// The default heap once per run-time check (issue 4: what each check costs on the alloc+free
// pair). Same classes, pages and backend as BenchHeap; only Checks differs. Measured by
// Benchmarks/CheckCostBenchmark.cs against BenchHeap itself (no checks).

/// <summary>Double frees caught by a per-block key.</summary>
[HeapConfig(Checks = HeapChecks.DoubleFree)]
internal static unsafe partial class BenchHeapDoubleFree
{
}

/// <summary>Frees of pointers that are not the start of a live block caught.</summary>
[HeapConfig(Checks = HeapChecks.Ownership)]
internal static unsafe partial class BenchHeapOwnership
{
}

/// <summary>Freed memory filled with a pattern.</summary>
[HeapConfig(Checks = HeapChecks.Junk)]
internal static unsafe partial class BenchHeapJunk
{
}

/// <summary>Bytes past the request filled at alloc and checked at a sized free.</summary>
[HeapConfig(Checks = HeapChecks.Canary)]
internal static unsafe partial class BenchHeapCanary
{
}

/// <summary>Every check.</summary>
[HeapConfig(Checks = HeapChecks.All)]
internal static unsafe partial class BenchHeapAllChecks
{
}

/// <summary>The checked heaps as allocators.</summary>
internal static unsafe class CheckedAllocators
{
    internal readonly struct DoubleFree : IAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapDoubleFree.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapDoubleFree.Free(block);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapDoubleFree.Realloc(block, newSize);
    }

    internal readonly struct Ownership : IAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapOwnership.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapOwnership.Free(block);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapOwnership.Realloc(block, newSize);
    }

    internal readonly struct Junk : IAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapJunk.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapJunk.Free(block);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapJunk.Realloc(block, newSize);
    }

    internal readonly struct Canary : IAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapCanary.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapCanary.Free(block);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapCanary.Realloc(block, newSize);
    }

    internal readonly struct All : IAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapAllChecks.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapAllChecks.Free(block);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapAllChecks.Realloc(block, newSize);
    }
}
