using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Os;

/// <summary>
/// Page arithmetic shared by the backends: the real page size of the machine, rounding, and the
/// split of a purge range into whole pages (given back to the OS) and partial edge pages (cleared).
/// </summary>
/// <remarks>
/// The engine purges in units of <see cref="OsMemory.OsPageSize"/> (4 KiB). Where the machine's page
/// is larger (16 KiB on Apple silicon), a purge range may begin or end inside a page; the OS can only
/// drop whole pages, so the edge bytes are zeroed by hand. That keeps the backend invariant "a purged
/// range reads as zero" on every page size.
/// </remarks>
internal static unsafe class OsPages
{
    /// <summary>The machine's page size (a power of two), read once.</summary>
    public static readonly nuint Size = (nuint)Environment.SystemPageSize;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint AlignUp(nuint value, nuint alignment) => (value + alignment - 1) & ~(alignment - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint AlignDown(nuint value, nuint alignment) => value & ~(alignment - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPowerOfTwo(nuint value) => value != 0 && (value & (value - 1)) == 0;

    /// <summary>
    /// Rounds <paramref name="size"/> up to whole pages; false when that overflows or the size is
    /// zero (a request no OS can meet).
    /// </summary>
    public static bool TryRoundToPages(nuint size, out nuint rounded)
    {
        rounded = AlignUp(size, Size);
        return size != 0 && rounded >= size;
    }

    /// <summary>
    /// Gives back the whole pages of [<paramref name="address"/>, +<paramref name="size"/>) with
    /// <paramref name="dropPages"/> and zeroes the partial pages at either end by hand. When the OS
    /// refuses, the whole range is zeroed instead, so the range reads as zero either way.
    /// </summary>
    public static void Purge(void* address, nuint size, delegate*<void*, nuint, bool> dropPages)
    {
        var start = (nuint)address;
        var end = start + size;
        var first = AlignUp(start, Size);
        var last = AlignDown(end, Size);
        if (first >= last)
        {
            NativeMemory.Clear(address, size);
            return;
        }

        if (first > start)
        {
            NativeMemory.Clear(address, first - start);
        }

        if (end > last)
        {
            NativeMemory.Clear((void*)last, end - last);
        }

        if (!dropPages((void*)first, last - first))
        {
            NativeMemory.Clear((void*)first, last - first);
        }
    }
}
