using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>
/// What the mmap backend does to the process as a whole (mappings, resident set). Measured in the
/// collection that runs alone, so no other test maps or touches memory meanwhile.
/// </summary>
[Collection(OsGlobalStateCollection.Name)]
public sealed unsafe class MmapProcessTests
{
    private const nuint MiB = 1024 * 1024;

    [Fact]
    public void Release_unmaps_the_whole_region()
    {
        var size = 4 * MiB;
        var p = MmapBackend.Reserve(size, 4 * MiB);
        Assert.True(p != null);
        Patterns.Fill(p, size, key: 3);
        Assert.True(ProcessMemory.IsMapped(p, size));

        MmapBackend.Release(p, size);
        Assert.Equal((nuint)0, ProcessMemory.MappedPageCount(p, size));
    }

    [Fact]
    public void Aligned_reserve_maps_exactly_the_region()
    {
        // The head and tail trimmed off an over-reservation must be unmapped, not leaked: the
        // process's mapped address space grows by exactly the regions' sizes. 32 MiB alignment for
        // 4 MiB regions leaves up to 28 MiB of trim per region, so a leak could not hide in noise.
        // A runtime thread may map something meanwhile (a new glibc arena is 64 MiB), so a few
        // attempts are allowed; a leak makes every attempt wrong.
        const int attempts = 3;
        long grown = 0;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            grown = MappedGrowthOfAlignedReservations(count: 16, size: 4 * MiB, alignment: 32 * MiB);
            if (grown == (long)(16 * 4 * MiB))
            {
                break;
            }
        }

        Assert.Equal((long)(16 * 4 * MiB), grown);
    }

    private static long MappedGrowthOfAlignedReservations(int count, nuint size, nuint alignment)
    {
        var regions = new nuint[count];
        var before = ProcessMemory.MappedBytes;
        for (var i = 0; i < count; i++)
        {
            var p = MmapBackend.Reserve(size, alignment);
            Assert.True(p != null);
            Assert.Equal(0UL, (ulong)p % alignment);
            regions[i] = (nuint)p;
        }

        var grown = ProcessMemory.MappedBytes - before;
        foreach (var region in regions)
        {
            MmapBackend.Release((void*)region, size);
        }

        return grown;
    }

    [Fact]
    public void Purge_lowers_the_process_resident_set()
    {
        var size = 64 * MiB;
        var p = MmapBackend.Reserve(size, 4 * MiB);
        Assert.True(p != null);
        try
        {
            Patterns.Fill(p, size, key: 5);
            var before = ProcessMemory.AnonymousResidentBytes;
            MmapBackend.Purge(p, size);
            var after = ProcessMemory.AnonymousResidentBytes;

            // Other threads of the test host allocate meanwhile; most of the 64 MiB must be gone.
            Assert.True(before - after > (long)(48 * MiB), $"resident {before} -> {after}");
        }
        finally
        {
            MmapBackend.Release(p, size);
        }
    }
}
