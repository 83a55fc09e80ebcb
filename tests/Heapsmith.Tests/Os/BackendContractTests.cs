using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>
/// The invariants of <see cref="IOsBackend"/>, checked against each backend by a subclass that
/// forwards the four calls (test classes are public, the backends internal, so no generic here):
/// aligned zeroed writable regions, disjoint regions, purge that zeroes (and, where the backend
/// can, drops the resident pages), refusal as null.
/// </summary>
public abstract unsafe class BackendContractTests
{
    private const nuint KiB = 1024;
    private const nuint MiB = 1024 * KiB;

    private static readonly nuint Page = OsPages.Size;

    protected abstract void* Reserve(nuint size, nuint alignment);

    protected abstract bool Commit(void* address, nuint size);

    protected abstract void Purge(void* address, nuint size);

    protected abstract void Release(void* address, nuint size);

    /// <summary>Whether Purge gives pages back to the OS (false for NativeMemory, which only clears).</summary>
    protected virtual bool PurgeDropsPages => true;

    [Theory]
    [InlineData(64 * 1024)]
    [InlineData(4 * 1024 * 1024)]
    [InlineData(32 * 1024 * 1024)]
    public void Reserve_returns_aligned_zeroed_writable_memory(int alignmentBytes)
    {
        var alignment = (nuint)alignmentBytes;
        foreach (var size in new[] { alignment, alignment + (3 * Page), 2 * MiB })
        {
            var p = Reserve(size, alignment);
            Assert.True(p != null, $"Reserve({size}, {alignment}) refused");
            try
            {
                Assert.Equal(0UL, (ulong)p % alignment);
                Assert.Equal(-1L, Patterns.FirstNonZero(p, size));
                Patterns.Fill(p, size, key: 0xA5);
                Assert.Equal(-1L, Patterns.FirstMismatch(p, size, key: 0xA5));
            }
            finally
            {
                Release(p, size);
            }
        }
    }

    [Fact]
    public void Regions_are_disjoint_and_keep_their_contents()
    {
        var sizes = new[] { 256 * KiB, 64 * KiB, 1 * MiB, 4 * MiB, 128 * KiB, 4 * MiB, 64 * KiB, 2 * MiB };
        var regions = new nuint[sizes.Length];
        for (var i = 0; i < sizes.Length; i++)
        {
            var alignment = sizes[i] >= 4 * MiB ? 4 * MiB : 64 * KiB;
            var p = Reserve(sizes[i], alignment);
            Assert.True(p != null);
            Assert.Equal(0UL, (ulong)p % alignment);
            Assert.Equal(-1L, Patterns.FirstNonZero(p, sizes[i]));
            Patterns.Fill(p, sizes[i], key: (ulong)i);
            regions[i] = (nuint)p;
        }

        // Release every other region first, so later checks see holes between live regions.
        for (var i = 0; i < sizes.Length; i += 2)
        {
            Assert.Equal(-1L, Patterns.FirstMismatch((void*)regions[i], sizes[i], key: (ulong)i));
            Release((void*)regions[i], sizes[i]);
        }

        for (var i = 1; i < sizes.Length; i += 2)
        {
            for (var j = 1; j < sizes.Length; j += 2)
            {
                var disjoint = i == j || regions[i] + sizes[i] <= regions[j] || regions[j] + sizes[j] <= regions[i];
                Assert.True(disjoint, $"region {i} overlaps region {j}");
            }

            Assert.Equal(-1L, Patterns.FirstMismatch((void*)regions[i], sizes[i], key: (ulong)i));
            Release((void*)regions[i], sizes[i]);
        }
    }

    [Fact]
    public void Purge_makes_the_range_read_as_zero_and_gives_its_pages_back()
    {
        var size = 1 * MiB;
        var p = (byte*)Reserve(size, 64 * KiB);
        Assert.True(p != null);
        try
        {
            Patterns.Fill(p, size, key: 7);
            if (PurgeDropsPages)
            {
                Assert.True(ProcessMemory.IsResident(p, size), "written pages are resident");
            }

            var purged = p + (256 * KiB);
            var purgedSize = 512 * KiB;
            Purge(purged, purgedSize);

            // Residency first: reading purged memory maps the zero page, which mincore counts.
            if (PurgeDropsPages)
            {
                Assert.Equal((nuint)0, ProcessMemory.ResidentPageCount(purged, purgedSize));
                Assert.True(ProcessMemory.IsMapped(purged, purgedSize), "purge keeps the range mapped");
            }

            Assert.True(Commit(purged, purgedSize));
            Assert.Equal(-1L, Patterns.FirstNonZero(purged, purgedSize));
            Assert.Equal(-1L, Patterns.FirstMismatch(p, 256 * KiB, key: 7));
            Assert.Equal(-1L, Patterns.FirstMismatch(purged + purgedSize, 256 * KiB, key: 7));

            Patterns.Fill(purged, purgedSize, key: 8);
            Assert.Equal(-1L, Patterns.FirstMismatch(purged, purgedSize, key: 8));
        }
        finally
        {
            Release(p, size);
        }
    }

    [Fact]
    public void Purge_of_a_range_that_is_not_page_aligned_zeroes_exactly_that_range()
    {
        var size = 64 * KiB;
        var p = (byte*)Reserve(size, 64 * KiB);
        Assert.True(p != null);
        try
        {
            Patterns.Fill(p, size, key: 9);
            var start = p + Page + 104;
            var length = (3 * Page) + 48;
            Purge(start, length);
            Assert.Equal(-1L, Patterns.FirstNonZero(start, length));
            Assert.Equal(-1L, Patterns.FirstMismatch(p, Page + 104, key: 9));
            var after = start + length;
            Assert.Equal(-1L, Patterns.FirstMismatch(after, size - (nuint)(after - p), key: 9));
        }
        finally
        {
            Release(p, size);
        }
    }

    [Theory]
    [InlineData(1UL << 62, 64 * 1024UL)]
    [InlineData(ulong.MaxValue - 100, 4096UL)]
    [InlineData(4096UL, 1UL << 62)]
    [InlineData(0UL, 4096UL)]
    public void An_impossible_request_is_refused_with_null(ulong size, ulong alignment)
    {
        var p = Reserve((nuint)size, (nuint)alignment);
        if (p != null)
        {
            Release(p, (nuint)size);
        }

        Assert.True(p == null, $"Reserve({size}, {alignment}) returned {(nuint)p:x}");
    }
}
