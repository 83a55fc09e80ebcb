using System.Collections.Generic;
using System.Linq;
using StatsSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.StatsSpecParameters>;

namespace Heapsmith.Tests.Engine;

public unsafe class StatsTests
{
    [Fact]
    public void Stats_count_blocks_bytes_and_segments()
    {
        var before = StaticHeap<StatsSpec>.GetStats();
        var blocks = new List<nint>();
        nuint usable = 0;
        var perClass = new long[StatsSpec.SizeClassCount];
        foreach (var size in new nuint[] { 10, 10, 10, 500, 5000, 16384, 30000, 1 << 20, 6 << 20 })
        {
            var block = StaticHeap<StatsSpec>.Alloc(size);
            blocks.Add((nint)block);
            usable += StaticHeap<StatsSpec>.UsableSize(block);
            if (size <= (nuint)StatsSpec.MaxSmallSize)
            {
                perClass[StatsSpec.SizeClassOf(size)]++;
            }
        }

        var during = StaticHeap<StatsSpec>.GetStats();
        Assert.Equal(before.BytesInUse + (long)usable, during.BytesInUse);
        Assert.Equal(before.Allocations + blocks.Count, during.Allocations);
        Assert.Equal(before.Frees, during.Frees);
        for (var c = 0; c < perClass.Length; c++)
        {
            Assert.Equal(before.LiveBlocksBySizeClass[c] + perClass[c], during.LiveBlocksBySizeClass[c]);
        }

        // One 4 MiB segment at least, plus the 6 MiB huge mapping with its header.
        Assert.True(during.BytesReserved >= (4 << 20) + (6 << 20), $"reserved {during.BytesReserved}");
        Assert.True(during.BytesCommitted <= during.BytesReserved);
        Assert.Equal(during.Allocations - during.Frees, during.LiveBlocksBySizeClass.Sum() + 3);

        foreach (var block in blocks)
        {
            StaticHeap<StatsSpec>.Free((void*)block);
        }

        var after = StaticHeap<StatsSpec>.GetStats();
        Assert.Equal(before.BytesInUse, after.BytesInUse);
        Assert.Equal(before.Frees + blocks.Count, after.Frees);
        Assert.True(after.BytesReserved < during.BytesReserved, "the huge mapping went back to the OS");
    }
}
