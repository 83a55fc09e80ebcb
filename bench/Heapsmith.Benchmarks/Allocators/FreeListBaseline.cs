using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.Allocators;

// The C# bound: the least a size-class allocator written in C# can do, reached the way Heapsmith
// is (a [ThreadStatic] pointer to the calling thread's lists). Not a real allocator: power-of-two
// classes (16 B .. 1 MiB), LIFO lists, no statistics, no checks, nothing ever returned to the OS.
// Alloc: size -> class by one LZCNT, pop the head of this thread's list for the class.
// Free: the class is read from the header of the 64 KiB-aligned chunk the block lies in (one mask,
// one load), the block pushed onto the freeing thread's list. A block freed on another thread so
// joins that thread's lists: no race (each thread touches only its own lists), memory migrates.
// Classes up to 4 KiB are carved from 64 KiB chunks whose first block slot holds the header;
// larger ones get a chunk each (the header 16 bytes before the block, in the same 64 KiB).

/// <summary>A minimal thread-local power-of-two free-list cache: the C# bound of the benchmark.</summary>
internal readonly unsafe struct FreeListBaseline : IAllocator
{
    /// <summary>Largest size served; larger requests throw.</summary>
    public const int MaxSize = 1 << MaxClass;

    private const int MinClass = 4;
    private const int MaxClass = 20;
    private const int CarvedMaxClass = 12;
    private const int ChunkShift = 16;
    private const nuint ChunkSize = (nuint)1 << ChunkShift;

    // This thread's list heads, one per class (index = log2 of the block size).
    [ThreadStatic]
    private static nint* t_heads;

    public static bool IsAvailable => true;

    // Safe from any thread (each touches only its own lists); see above for where freed blocks go.
    public static bool IsThreadSafe => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size)
    {
        var heads = t_heads;
        if (heads == null || size - 1 >= MaxSize)
        {
            return AllocSlow(size);
        }

        var sizeClass = BitOperations.Log2((size - 1) | ((1 << MinClass) - 1)) + 1;
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
        var heads = t_heads;
        if (block == null || heads == null)
        {
            FreeSlow(block);
            return;
        }

        var sizeClass = *(int*)((nuint)block & ~(ChunkSize - 1));
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
        if (newSize <= oldSize && newSize != 0)
        {
            return block;
        }

        var moved = Alloc(newSize);
        Buffer.MemoryCopy(block, moved, newSize, Math.Min(oldSize, newSize));
        Free(block);
        return moved;
    }

    /// <summary>The block size of a live block (its class size).</summary>
    public static nuint BlockSize(void* block) => (nuint)1 << *(int*)((nuint)block & ~(ChunkSize - 1));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocSlow(nuint size)
    {
        if (size > MaxSize)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size, $"the baseline serves sizes up to {MaxSize}");
        }

        if (t_heads == null)
        {
            InitThread();
        }

        return Alloc(size == 0 ? 1 : size);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FreeSlow(void* block)
    {
        if (block != null)
        {
            InitThread();
            Free(block);
        }
    }

    private static void InitThread() => t_heads = (nint*)NativeMemory.AllocZeroed(MaxClass + 1, (nuint)sizeof(nint));

    // Small classes: carves a fresh 64 KiB chunk into blocks, the first block slot holding the
    // header (the class), so blocks start one block size in. Large classes: one block per chunk.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* Refill(int sizeClass)
    {
        var blockSize = (nuint)1 << sizeClass;
        if (sizeClass > CarvedMaxClass)
        {
            var single = (byte*)NativeAllocatorLibrary.NotNull(NativeMemory.AlignedAlloc(blockSize + 16, ChunkSize));
            *(int*)single = sizeClass;
            return single + 16;
        }

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
