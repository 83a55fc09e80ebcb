using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith;

// PLACEHOLDER (foundation only): the contract the generated code calls. The engine issue replaces
// the bodies with the segment/page/thread-heap engine behind these exact signatures.
/// <summary>The process-wide heap described by <typeparamref name="TSpec"/>; generated static heaps forward here.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class StaticHeap<TSpec>
    where TSpec : struct, IHeapSpec
{
    private const int HeaderSize = 16;

    /// <summary>Allocates a block of at least <paramref name="size"/> bytes; throws <see cref="OutOfMemoryException"/>.</summary>
    public static void* Alloc(nuint size) => TryAlloc(size) is var p && p != null ? p : throw new OutOfMemoryException();

    /// <summary>Allocates a block of at least <paramref name="size"/> bytes, or returns null.</summary>
    public static void* TryAlloc(nuint size)
    {
        var usable = GoodSize(size);
        var raw = (byte*)NativeMemory.AlignedAlloc(usable + HeaderSize, HeaderSize);
        if (raw == null)
        {
            return null;
        }

        *(nuint*)raw = usable;
        return raw + HeaderSize;
    }

    /// <summary>Allocates <paramref name="count"/> × <paramref name="size"/> zeroed bytes.</summary>
    public static void* AllocZeroed(nuint count, nuint size)
    {
        var bytes = checked(count * size);
        var p = Alloc(bytes);
        NativeMemory.Clear(p, bytes);
        return p;
    }

    /// <summary>Resizes a block, keeping its contents.</summary>
    public static void* Realloc(void* ptr, nuint newSize)
    {
        if (ptr == null)
        {
            return Alloc(newSize);
        }

        var q = Alloc(newSize);
        Buffer.MemoryCopy(ptr, q, newSize, Math.Min(newSize, UsableSize(ptr)));
        Free(ptr);
        return q;
    }

    /// <summary>Allocates a block aligned to <paramref name="alignment"/>.</summary>
    public static void* AlignedAlloc(nuint size, nuint alignment) =>
        alignment <= (nuint)TSpec.Alignment ? Alloc(size) : throw new NotSupportedException("placeholder engine");

    /// <summary>Frees a block; null is a no-op.</summary>
    public static void Free(void* ptr)
    {
        if (ptr != null)
        {
            NativeMemory.AlignedFree((byte*)ptr - HeaderSize);
        }
    }

    /// <summary>Frees a block whose requested size is known.</summary>
    public static void Free(void* ptr, nuint size) => Free(ptr);

    /// <summary>The usable size of a live block.</summary>
    public static nuint UsableSize(void* ptr) => *(nuint*)((byte*)ptr - HeaderSize);

    /// <summary>The size <c>Alloc(size)</c> provides.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint GoodSize(nuint size)
    {
        if (size <= (nuint)TSpec.MaxSmallSize)
        {
            return (nuint)TSpec.BlockSize(TSpec.SizeClassOf(size));
        }

        const nuint osPageMask = 4095;
        return size > (nuint.MaxValue & ~osPageMask) ? size : (size + osPageMask) & ~osPageMask;
    }

    /// <summary>Whether the block belongs to this heap.</summary>
    public static bool Owns(void* ptr) => false;

    /// <summary>The heap's counters.</summary>
    public static HeapStats GetStats() => default;

    /// <summary>Returns free pages to the OS.</summary>
    public static void Trim()
    {
    }
}
