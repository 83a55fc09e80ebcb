using System.Runtime.Versioning;
using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>
/// The probes the other OS tests rely on: mincore residency and mapping per page, and the process
/// figures from /proc/self/statm. In the collection that runs alone: a page unmapped here must
/// not be mapped again by another test before it is counted.
/// </summary>
[Collection(OsGlobalStateCollection.Name)]
[UnsupportedOSPlatform("windows")]
public sealed unsafe class ProcessMemoryTests
{
    private static readonly nuint Page = OsPages.Size;

    [Fact]
    public void Pages_become_resident_when_written_and_leave_when_purged()
    {
        var size = 16 * Page;
        var p = (byte*)MmapBackend.Reserve(size, Page);
        Assert.True(p != null);
        try
        {
            Assert.Equal(16u, (uint)ProcessMemory.PageCount(p, size));
            Assert.Equal((nuint)0, ProcessMemory.ResidentPageCount(p, size));
            Assert.True(ProcessMemory.IsMapped(p, size));

            p[0] = 1;
            p[(5 * Page) + 17] = 1;
            p[size - 1] = 1;
            Assert.Equal((nuint)3, ProcessMemory.ResidentPageCount(p, size));
            Assert.True(ProcessMemory.IsResident(p + (5 * Page), Page));
            Assert.False(ProcessMemory.IsResident(p, size));

            MmapBackend.Purge(p, size);
            Assert.Equal((nuint)0, ProcessMemory.ResidentPageCount(p, size));
        }
        finally
        {
            MmapBackend.Release(p, size);
        }
    }

    [Fact]
    public void Unmapped_pages_are_counted_as_unmapped_and_not_resident()
    {
        var size = 8 * Page;
        var p = (byte*)MmapBackend.Reserve(size, Page);
        Assert.True(p != null);
        new System.Span<byte>(p, (int)size).Fill(7);

        // Punch a two-page hole in the middle: mincore fails on the whole range, the page-by-page
        // probe counts around it.
        Libc.Munmap(p + (3 * Page), 2 * Page);
        try
        {
            Assert.Equal((nuint)6, ProcessMemory.MappedPageCount(p, size));
            Assert.Equal((nuint)6, ProcessMemory.ResidentPageCount(p, size));
            Assert.False(ProcessMemory.IsMapped(p, size));
            Assert.Equal((nuint)0, ProcessMemory.MappedPageCount(p + (3 * Page), 2 * Page));
        }
        finally
        {
            Libc.Munmap(p, 3 * Page);
            Libc.Munmap(p + (5 * Page), 3 * Page);
        }
    }

    [Fact]
    public void A_range_larger_than_one_probe_is_counted_whole()
    {
        // 4096 pages per mincore call: 64 MiB spans several probes.
        var size = (nuint)64 * 1024 * 1024;
        var p = (byte*)MmapBackend.Reserve(size, Page);
        Assert.True(p != null);
        try
        {
            for (nuint offset = 0; offset < size; offset += 1024 * Page)
            {
                p[offset] = 1;
            }

            Assert.Equal(size / (1024 * Page), ProcessMemory.ResidentPageCount(p, size));
            Assert.Equal(size / Page, ProcessMemory.MappedPageCount(p, size));
        }
        finally
        {
            MmapBackend.Release(p, size);
        }
    }

    [Fact]
    public void Process_figures_are_plausible()
    {
        Assert.True(ProcessMemory.ResidentBytes > 0);
        Assert.True(ProcessMemory.AnonymousResidentBytes > 0);
        Assert.True(ProcessMemory.AnonymousResidentBytes <= ProcessMemory.ResidentBytes);
        if (System.OperatingSystem.IsLinux())
        {
            Assert.True(ProcessMemory.MappedBytes >= ProcessMemory.ResidentBytes);
        }
    }
}
