using Heapsmith.Benchmarks.Specs;

namespace Heapsmith.Benchmarks.Tests;

// The hand-written specs stand in for the generated ones: they must describe the same heaps.
public class SpecTests
{
    [Fact]
    public void Default_spec_has_36_jemalloc_spaced_classes_up_to_16_KiB()
    {
        var table = HandSpec<DefaultHeapConfig>.Table;
        Assert.Equal(36, table.BlockSizes.Length);
        Assert.Equal(new[] { 16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 }, table.BlockSizes[..13]);
        Assert.Equal(16384, table.BlockSizes[^1]);
        Assert.Equal(BenchHeap.SizeClassCount, HandSpec<DefaultHeapConfig>.SizeClassCount);
        Assert.Equal(BenchHeapPow2.SizeClassCount, HandSpec<PowersOfTwoHeapConfig>.SizeClassCount);
        Assert.Equal(11, HandSpec<PowersOfTwoHeapConfig>.SizeClassCount);
    }

    [Fact]
    public void Hand_written_specs_give_the_generated_heaps_GoodSize_for_every_size()
    {
        for (nuint size = 0; size <= 2 * (nuint)BenchHeap.MaxSmallSize; size++)
        {
            Assert.Equal(BenchHeap.GoodSize(size), StaticHeap<HandSpec<DefaultHeapConfig>>.GoodSize(size));
            Assert.Equal(BenchHeapUnsync.GoodSize(size), StaticHeap<HandSpec<UnsyncHeapConfig>>.GoodSize(size));
            Assert.Equal(BenchHeapPow2.GoodSize(size), StaticHeap<HandSpec<PowersOfTwoHeapConfig>>.GoodSize(size));
        }
    }

    [Fact]
    public void Every_small_size_maps_to_the_smallest_class_that_holds_it()
    {
        var table = HandSpec<DefaultHeapConfig>.Table;
        for (nuint size = 1; size <= (nuint)table.MaxSmallSize; size++)
        {
            var sizeClass = table.SizeClassOf(size);
            Assert.True(table.BlockSizes[sizeClass] >= (int)size);
            Assert.True(sizeClass == 0 || table.BlockSizes[sizeClass - 1] < (int)size);
        }

        Assert.Equal(0, table.SizeClassOf(0));
    }

    [Fact]
    public void Pages_take_the_smallest_span_with_two_blocks_and_under_an_eighth_wasted()
    {
        var table = HandSpec<DefaultHeapConfig>.Table;
        var unit = 1 << table.PageShift;
        for (var c = 0; c < table.BlockSizes.Length; c++)
        {
            var bytes = table.PageSpans[c] * unit;
            Assert.Equal(bytes / table.BlockSizes[c], table.BlocksPerPage[c]);
            Assert.True(table.BlocksPerPage[c] >= 2);
            Assert.True((bytes - (table.BlocksPerPage[c] * table.BlockSizes[c])) * 8 < bytes);
            if (table.PageSpans[c] > 1)
            {
                // One unit less would not do.
                var smaller = (table.PageSpans[c] - 1) * unit;
                var blocks = smaller / table.BlockSizes[c];
                Assert.False(blocks >= 2 && (smaller - (blocks * table.BlockSizes[c])) * 8 < smaller);
            }
        }

        // 14336-byte blocks leave 8 KiB (exactly 1/8) of one 64 KiB unit: two units hold nine.
        var c14336 = table.SizeClassOf(14336);
        Assert.Equal(2, table.PageSpans[c14336]);
        Assert.Equal(9, table.BlocksPerPage[c14336]);
        Assert.Equal(1, table.PageSpans[table.SizeClassOf(16384)]);
    }

    [Fact]
    public void Block_index_multiplier_divides_exactly_for_every_offset_in_a_page()
    {
        foreach (var table in new[] { HandSpec<DefaultHeapConfig>.Table, HandSpec<PowersOfTwoHeapConfig>.Table })
        {
            for (var c = 0; c < table.BlockSizes.Length; c++)
            {
                var blockSize = (ulong)table.BlockSizes[c];
                var pageSize = (ulong)table.PageSpans[c] << table.PageShift;
                for (ulong offset = 0; offset < pageSize; offset++)
                {
                    if (((offset * table.Multipliers[c]) >> SizeClassTable.BlockIndexShift) != offset / blockSize)
                    {
                        Assert.Fail($"class {c} ({blockSize} B): offset {offset} gives the wrong block index");
                    }
                }
            }
        }
    }

    [Fact]
    public void Spec_constants_match_the_attribute_defaults()
    {
        Assert.Equal(HeapConfigAttribute.DefaultPageSize, 1 << HandSpec<DefaultHeapConfig>.PageShift);
        Assert.Equal(HeapConfigAttribute.DefaultSegmentSize, 1 << HandSpec<DefaultHeapConfig>.SegmentShift);
        Assert.Equal(new HeapConfigAttribute().Backend, HandSpec<DefaultHeapConfig>.Backend);
        Assert.Equal(HeapConfigAttribute.DefaultPurgeDelayMs, HandSpec<DefaultHeapConfig>.PurgeDelayMs);
        Assert.True(HandSpec<DefaultHeapConfig>.ThreadSafe);
        Assert.False(HandSpec<UnsyncHeapConfig>.ThreadSafe);
    }
}
