using System.Runtime.CompilerServices;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks;

// The default heap once per run-time check (issue 4: what each check costs on the alloc+free
// pair). Same classes, pages and backend as BenchHeap; only Checks differs. Measured by
// CheckCost/CheckCostMode.cs against BenchHeap itself (no checks), with sized frees.

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

/// <summary>Free-list links encoded and checked, freed blocks keyed.</summary>
[HeapConfig(Checks = HeapChecks.Hardened)]
internal static unsafe partial class BenchHeapHardened
{
}

/// <summary>Every check.</summary>
[HeapConfig(Checks = HeapChecks.All)]
internal static unsafe partial class BenchHeapAllChecks
{
}

/// <summary>The default heap and its checked twins as allocators with a sized free.</summary>
internal static unsafe class CheckedAllocators
{
    /// <summary>The default heap, no checks: what each check is compared with.</summary>
    internal readonly struct None : ISizedFreeAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeap.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeap.Free(block);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block, nuint size) => BenchHeap.Free(block, size);
        public static void* Realloc(void* block, nuint newSize) => BenchHeap.Realloc(block, newSize);
    }

    /// <summary>HeapChecks.DoubleFree.</summary>
    internal readonly struct DoubleFree : ISizedFreeAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapDoubleFree.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapDoubleFree.Free(block);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block, nuint size) => BenchHeapDoubleFree.Free(block, size);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapDoubleFree.Realloc(block, newSize);
    }

    /// <summary>HeapChecks.Ownership.</summary>
    internal readonly struct Ownership : ISizedFreeAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapOwnership.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapOwnership.Free(block);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block, nuint size) => BenchHeapOwnership.Free(block, size);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapOwnership.Realloc(block, newSize);
    }

    /// <summary>HeapChecks.Junk.</summary>
    internal readonly struct Junk : ISizedFreeAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapJunk.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapJunk.Free(block);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block, nuint size) => BenchHeapJunk.Free(block, size);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapJunk.Realloc(block, newSize);
    }

    /// <summary>HeapChecks.Canary.</summary>
    internal readonly struct Canary : ISizedFreeAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapCanary.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapCanary.Free(block);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block, nuint size) => BenchHeapCanary.Free(block, size);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapCanary.Realloc(block, newSize);
    }

    /// <summary>HeapChecks.All.</summary>
    internal readonly struct All : ISizedFreeAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapAllChecks.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapAllChecks.Free(block);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block, nuint size) => BenchHeapAllChecks.Free(block, size);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapAllChecks.Realloc(block, newSize);
    }

    /// <summary>HeapChecks.Hardened.</summary>
    internal readonly struct Hardened : ISizedFreeAllocator
    {
        public static bool IsAvailable => true;
        public static bool IsThreadSafe => true;
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void* Alloc(nuint size) => BenchHeapHardened.Alloc(size);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block) => BenchHeapHardened.Free(block);
        [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Free(void* block, nuint size) => BenchHeapHardened.Free(block, size);
        public static void* Realloc(void* block, nuint newSize) => BenchHeapHardened.Realloc(block, newSize);
    }
}
