using System;
using System.Globalization;
using System.IO;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Heapsmith.Os;

/// <summary>
/// What the OS says about this process's memory: its resident set, and for a range of addresses,
/// which pages are mapped and which are resident (<c>mincore</c>). Tests and benchmarks use it to
/// prove that purge and release really give memory back; the allocator itself never calls it.
/// </summary>
/// <remarks>
/// <para>Resident set: Linux reads <c>/proc/self/statm</c> (resident and shared pages; anonymous =
/// resident - shared, which is where heap memory lives and which JIT-loaded files do not disturb).
/// Elsewhere <see cref="Environment.WorkingSet"/> is the fallback for both figures.</para>
/// <para>Ranges: <c>mincore</c> answers one byte per page (bit 0 = resident) and fails with
/// <c>ENOMEM</c> when any page of the range is unmapped, so a range is probed in chunks and, where a
/// chunk fails, page by page. Verified on Linux; on macOS the same calls exist but are not run in
/// CI. A page that was only read after a purge is mapped to the shared zero page and counts as
/// resident to mincore although it costs no memory: check residency before reading purged memory.</para>
/// </remarks>
internal static unsafe class ProcessMemory
{
    /// <summary>Pages probed per <c>mincore</c> call (the vector lives on the stack).</summary>
    private const int PagesPerProbe = 4096;

    private const byte Resident = 1;

    /// <summary>Bytes of address space this process has mapped (VmSize); -1 where the OS does not say.</summary>
    public static long MappedBytes => OperatingSystem.IsLinux() ? ReadStatm().Size : -1;

    /// <summary>Bytes of this process resident in RAM (file-backed included).</summary>
    public static long ResidentBytes => OperatingSystem.IsLinux() ? ReadStatm().Resident : Environment.WorkingSet;

    /// <summary>Bytes of anonymous memory resident (heaps, stacks); on Linux excludes file-backed pages.</summary>
    public static long AnonymousResidentBytes
    {
        get
        {
            if (!OperatingSystem.IsLinux())
            {
                return Environment.WorkingSet;
            }

            var statm = ReadStatm();
            return statm.Resident - statm.Shared;
        }
    }

    /// <summary>Whether every page of the range is mapped.</summary>
    public static bool IsMapped(void* address, nuint size) => MappedPageCount(address, size) == PageCount(address, size);

    /// <summary>Whether every page of the range is mapped and resident.</summary>
    public static bool IsResident(void* address, nuint size) => ResidentPageCount(address, size) == PageCount(address, size);

    /// <summary>Number of pages the range touches (partial pages at the ends count).</summary>
    public static nuint PageCount(void* address, nuint size)
    {
        var (start, end) = PageBounds(address, size);
        return (end - start) / OsPages.Size;
    }

    /// <summary>Pages of the range that are mapped at all.</summary>
    public static nuint MappedPageCount(void* address, nuint size) => CountPages(address, size, residentOnly: false);

    /// <summary>Pages of the range that are mapped and resident in RAM.</summary>
    public static nuint ResidentPageCount(void* address, nuint size) => CountPages(address, size, residentOnly: true);

    private static nuint CountPages(void* address, nuint size, bool residentOnly)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("mincore is available on Linux and macOS.");
        }

        var (start, end) = PageBounds(address, size);
        var vector = stackalloc byte[PagesPerProbe];
        nuint count = 0;
        for (var chunk = start; chunk < end;)
        {
            var pages = Math.Min((end - chunk) / OsPages.Size, PagesPerProbe);
            var length = pages * OsPages.Size;
            if (Libc.Mincore((void*)chunk, length, vector) == 0)
            {
                count += Count(vector, pages, residentOnly);
            }
            else
            {
                count += CountPageByPage(chunk, pages, residentOnly);
            }

            chunk += length;
        }

        return count;
    }

    /// <summary>The slow path of a chunk with an unmapped page: one mincore per page.</summary>
    [UnsupportedOSPlatform("windows")]
    private static nuint CountPageByPage(nuint chunk, nuint pages, bool residentOnly)
    {
        nuint count = 0;
        byte state;
        for (nuint i = 0; i < pages; i++)
        {
            if (Libc.Mincore((void*)(chunk + (i * OsPages.Size)), OsPages.Size, &state) == 0)
            {
                count += Count(&state, 1, residentOnly);
            }
            else if (Marshal.GetLastPInvokeError() != Libc.ENoMem)
            {
                throw new InvalidOperationException($"mincore failed: errno {Marshal.GetLastPInvokeError()}");
            }
        }

        return count;
    }

    private static nuint Count(byte* vector, nuint pages, bool residentOnly)
    {
        if (!residentOnly)
        {
            return pages;
        }

        nuint count = 0;
        for (nuint i = 0; i < pages; i++)
        {
            count += (nuint)(vector[i] & Resident);
        }

        return count;
    }

    private static (nuint Start, nuint End) PageBounds(void* address, nuint size) =>
        (OsPages.AlignDown((nuint)address, OsPages.Size), OsPages.AlignUp((nuint)address + size, OsPages.Size));

    /// <summary>Fields 1 to 3 of <c>/proc/self/statm</c> (size, resident, shared), in bytes.</summary>
    private static (long Size, long Resident, long Shared) ReadStatm()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var page = (long)OsPages.Size;
        return (Field(0) * page, Field(1) * page, Field(2) * page);

        long Field(int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
    }
}
