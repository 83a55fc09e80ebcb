using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Heapsmith.Os;

/// <summary>
/// The default backend: anonymous private mappings. Linux and macOS through libc
/// (<c>mmap</c>/<c>munmap</c>/<c>madvise</c>); Windows through <c>VirtualAlloc</c>/<c>VirtualFree</c>
/// (<see cref="WindowsVirtualMemory"/>).
/// </summary>
/// <remarks>
/// <para>Reserve: a plain mapping of the size is tried first, because the kernel places mappings
/// next to each other and a segment-sized mapping is often already aligned; when it is not, it is
/// unmapped and the region is over-reserved by <c>alignment - page</c> and the misaligned head and
/// tail are unmapped, leaving exactly the aligned region. Linux maps with <c>MAP_NORESERVE</c>, so a
/// segment the engine touches sparsely is not charged in full against the overcommit heuristic.</para>
/// <para>Purge: Linux uses <c>MADV_DONTNEED</c>, not <c>MADV_FREE</c>: DONTNEED drops the resident
/// pages at once (the engine's statistics and <c>Trim</c> are about real RSS) and the next touch
/// reads a zero page, which is the backend invariant; MADV_FREE frees lazily and keeps the old
/// bytes until the kernel wants the memory. macOS's MADV_DONTNEED keeps contents, so there a purge
/// maps fresh zero pages over the range with <c>MAP_FIXED</c>, which drops the old pages at once.</para>
/// <para>Commit is free on Unix (pages appear on first touch); Windows decommits on purge, so the
/// engine must call Commit before it touches a purged range again.</para>
/// </remarks>
internal readonly unsafe struct MmapBackend : IOsBackend
{
    public static bool IsSupported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsWindows();

    public static void* Reserve(nuint size, nuint alignment)
    {
        Debug.Assert(alignment == 0 || OsPages.IsPowerOfTwo(alignment), "alignment must be a power of two");
        if (alignment < OsPages.Size)
        {
            alignment = OsPages.Size;
        }

        if (OperatingSystem.IsWindows())
        {
            return WindowsVirtualMemory.Reserve(size, alignment);
        }

        if (!OsPages.TryRoundToPages(size, out size))
        {
            return null;
        }

        var p = MapAnonymous(size);
        if (p == null || ((nuint)p & (alignment - 1)) == 0)
        {
            return p;
        }

        Unmap(p, size);
        return ReserveAlignedSlow(size, alignment);
    }

    public static bool Commit(void* address, nuint size) =>
        !OperatingSystem.IsWindows() || WindowsVirtualMemory.Commit(address, size);

    public static void Purge(void* address, nuint size)
    {
        if (OperatingSystem.IsWindows())
        {
            WindowsVirtualMemory.Decommit(address, size);
            return;
        }

        OsPages.Purge(address, size, &DropPages);
    }

    public static void Release(void* address, nuint size)
    {
        if (OperatingSystem.IsWindows())
        {
            WindowsVirtualMemory.Release(address);
            return;
        }

        Unmap(address, OsPages.AlignUp(size, OsPages.Size));
    }

    /// <summary>Over-reserves by <c>alignment - page</c> and unmaps the misaligned ends.</summary>
    [UnsupportedOSPlatform("windows")]
    private static void* ReserveAlignedSlow(nuint size, nuint alignment)
    {
        var span = size + alignment - OsPages.Size;
        if (span < size)
        {
            return null;
        }

        var p = MapAnonymous(span);
        if (p == null)
        {
            return null;
        }

        var start = (nuint)p;
        var aligned = OsPages.AlignUp(start, alignment);
        var head = aligned - start;
        var tail = span - head - size;
        if (head != 0)
        {
            Unmap(p, head);
        }

        if (tail != 0)
        {
            Unmap((void*)(aligned + size), tail);
        }

        return (void*)aligned;
    }

    [UnsupportedOSPlatform("windows")]
    private static void* MapAnonymous(nuint size)
    {
        var p = Libc.Mmap(null, size, Libc.ProtRead | Libc.ProtWrite,
            Libc.MapPrivate | Libc.MapAnonymous | Libc.MapNoReserve, -1, 0);
        return p == Libc.Failed ? null : p;
    }

    [UnsupportedOSPlatform("windows")]
    private static void Unmap(void* address, nuint size)
    {
        // munmap fails only on arguments the engine never passes, or when splitting a mapping would
        // exceed vm.max_map_count; then the range stays mapped (a leak of address space, not a fault).
        var result = Libc.Munmap(address, size);
        Debug.Assert(result == 0, $"munmap failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Drops whole pages; the page-aligned core of a purge (see <see cref="OsPages.Purge"/>).</summary>
    [UnsupportedOSPlatform("windows")]
    private static bool DropPages(void* address, nuint size)
    {
        if (OperatingSystem.IsLinux())
        {
            return Libc.Madvise(address, size, Libc.MadvDontNeed) == 0;
        }

        if (OperatingSystem.IsMacOS())
        {
            var p = Libc.Mmap(address, size, Libc.ProtRead | Libc.ProtWrite,
                Libc.MapPrivate | Libc.MapAnonymous | Libc.MapFixed, -1, 0);
            return p == address;
        }

        return false;
    }
}
