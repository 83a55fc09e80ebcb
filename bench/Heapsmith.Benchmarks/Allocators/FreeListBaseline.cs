using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.Allocators;

// The bound the engine's pair target is measured against (issue 3: "alloc+free pair within 1.15x
// of a minimal thread-local free-list pop/push"): the least any size-class allocator can do.
// Alloc: size -> class by one shift, pop the head of this thread's list for the class.
// Free: the class is read from the header of the 64 KiB-aligned chunk the block lies in (one mask,
// one load), push onto this thread's list. No statistics, no checks, no cross-thread frees (a block
// freed on another thread joins that thread's list), no memory ever returned: chunks live for the
// process. Only sizes up to MaxSize; it takes part in the single-threaded pair cases only.

/// <summary>A minimal thread-local free-list allocator: the lower bound of an alloc+free pair.</summary>
internal readonly unsafe struct FreeListBaseline : IAllocator
{
    /// <summary>Largest size served; larger requests throw.</summary>
    public const int MaxSize = 4096;

    private const int ClassShift = 4;
    private const int ClassCount = (MaxSize >> ClassShift) + 1;
    private const int ChunkShift = 16;
    private const nuint ChunkSize = (nuint)1 << ChunkShift;

    // This thread's list heads, one per class (index = size rounded up to 16, shifted).
    [ThreadStatic]
    private static nint* t_heads;

    public static bool IsAvailable => true;

    public static bool IsThreadSafe => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size)
    {
        var heads = t_heads;
        if (heads == null || size > MaxSize)
        {
            return AllocSlow(size);
        }

        var sizeClass = (int)((size + ((1 << ClassShift) - 1)) >> ClassShift);
        var block = (nint*)heads[sizeClass];
        if (block == null)
        {
            return Refill(sizeClass);
        }

        heads[sizeClass] = *block;
        return block;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block)
    {
        if (block == null)
        {
            return;
        }

        var sizeClass = *(int*)((nuint)block & ~(ChunkSize - 1));
        var heads = t_heads;
        *(nint*)block = heads[sizeClass];
        heads[sizeClass] = (nint)block;
    }

    public static void* Realloc(void* block, nuint newSize)
    {
        if (block == null)
        {
            return Alloc(newSize);
        }

        var oldSize = BlockSize(block);
        var moved = Alloc(newSize);
        Buffer.MemoryCopy(block, moved, newSize, Math.Min(oldSize, newSize));
        Free(block);
        return moved;
    }

    /// <summary>The block size of a live block (its class size).</summary>
    public static nuint BlockSize(void* block) => (nuint)(*(int*)((nuint)block & ~(ChunkSize - 1))) << ClassShift;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocSlow(nuint size)
    {
        if (size > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"the baseline serves sizes up to {MaxSize}");
        }

        t_heads = (nint*)NativeMemory.AllocZeroed((nuint)ClassCount * (nuint)sizeof(nint));
        return Alloc(size);
    }

    // Carves a fresh chunk into blocks of the class; the chunk's first block slot holds its header
    // (the class index), so blocks start one block size in (at least 16 bytes, keeping alignment).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* Refill(int sizeClass)
    {
        var blockSize = (nuint)Math.Max(sizeClass, 1) << ClassShift;
        var chunk = (byte*)NativeAllocatorLibrary.NotNull(NativeMemory.AlignedAlloc(ChunkSize, ChunkSize));
        *(int*)chunk = sizeClass;
        nint head = 0;
        for (var offset = ChunkSize - blockSize; offset >= blockSize; offset -= blockSize)
        {
            *(nint*)(chunk + offset) = head;
            head = (nint)(chunk + offset);
        }

        var block = (nint*)head;
        t_heads[sizeClass] = *block;
        return block;
    }
}
