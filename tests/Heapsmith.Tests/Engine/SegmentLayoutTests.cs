using System.Runtime.InteropServices;
using Heapsmith.Engine;
using DefaultSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SizeClassSpecParameters>;
using FineSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.FineSpecParameters>;

namespace Heapsmith.Tests.Engine;

public unsafe class SegmentLayoutTests
{
    [Fact]
    public void Default_geometry_has_a_one_unit_header_and_half_segment_large_limit()
    {
        Assert.Equal((nuint)(4 << 20), SegmentLayout<DefaultSpec>.SegmentSize);
        Assert.Equal(64, SegmentLayout<DefaultSpec>.Units);
        Assert.Equal(1, SegmentLayout<DefaultSpec>.HeaderUnits);
        Assert.True(SegmentLayout<DefaultSpec>.HeaderBytes <= SegmentLayout<DefaultSpec>.UnitSize);
        Assert.Equal((nuint)(2 << 20), SegmentLayout<DefaultSpec>.LargeMax);
    }

    [Fact]
    public void Fine_geometry_has_a_header_of_several_units()
    {
        Assert.Equal(256, SegmentLayout<FineSpec>.Units);
        var header = SegmentLayout<FineSpec>.HeaderUnits;
        Assert.True(header > 1, $"header units {header}");
        Assert.True((nuint)header * SegmentLayout<FineSpec>.UnitSize >= SegmentLayout<FineSpec>.HeaderBytes);
        Assert.True((nuint)(header - 1) * SegmentLayout<FineSpec>.UnitSize < SegmentLayout<FineSpec>.HeaderBytes);
    }

    [Fact]
    public void Block_index_multiplier_is_exact_for_every_offset_of_every_page()
    {
        for (var c = 0; c < DefaultSpec.SizeClassCount; c++)
        {
            var size = (ulong)DefaultSpec.BlockSize(c);
            var bytes = (ulong)DefaultSpec.PageSpan(c) << DefaultSpec.PageShift;
            Assert.True((ulong)DefaultSpec.BlocksPerPage(c) * size <= bytes);
            for (ulong offset = 0; offset < bytes; offset++)
            {
                var index = (offset * DefaultSpec.BlockIndexMultiplier(c)) >> DefaultSpec.BlockIndexShift;
                if (index != offset / size)
                {
                    Assert.Fail($"class {c} (size {size}): offset {offset} gives {index}, not {offset / size}");
                }
            }
        }
    }

    [Fact]
    public void Pointers_outside_every_segment_have_no_page()
    {
        var stack = stackalloc byte[64];
        var native = NativeMemory.Alloc(256);
        try
        {
            Assert.True(SegmentLayout<DefaultSpec>.PageOf(null) == null);
            Assert.True(SegmentLayout<DefaultSpec>.PageOf(stack) == null);
            Assert.True(SegmentLayout<DefaultSpec>.PageOf(native) == null);
            Assert.True(SegmentLayout<DefaultSpec>.PageOf((void*)nuint.MaxValue) == null);
            Assert.True(SegmentLayout<DefaultSpec>.PageOf((void*)((nuint)1 << 60)) == null);
        }
        finally
        {
            NativeMemory.Free(native);
        }
    }

    [Fact]
    public void A_block_finds_its_page_by_mask_and_shift()
    {
        var blocks = new nint[100];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = (nint)StaticHeap<DefaultSpec>.Alloc((nuint)(i * 37));
        }

        foreach (var block in blocks)
        {
            var page = SegmentLayout<DefaultSpec>.PageOf((void*)block);
            Assert.True(page != null);
            Assert.Equal(PageKind.Small, page->Kind);
            Assert.True((byte*)block >= page->Start);
            Assert.True((byte*)block < page->Start + ((nuint)page->Reserved * page->BlockSize));
            Assert.Equal(0ul, (ulong)((byte*)block - page->Start) % page->BlockSize);
        }

        foreach (var block in blocks)
        {
            StaticHeap<DefaultSpec>.Free((void*)block);
        }
    }
}
