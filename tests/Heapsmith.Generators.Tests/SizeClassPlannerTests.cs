// Planner unit tests: the class lists (jemalloc spacing, powers of two, explicit lists), the page
// geometry bounds, the block-index reciprocal checked exhaustively for every offset of every page,
// and the size-to-class lookup checked for every small size.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Heapsmith.Generators.Model;

namespace Heapsmith.Generators.Tests;

public class SizeClassPlannerTests
{
    /// <summary>Configurations every invariant is checked on, by name (HeapConfig is internal).</summary>
    private static readonly Dictionary<string, HeapConfig> ConfigsByName = new()
    {
        ["defaults"] = HeapConfig.Default,
        ["powers of two"] = HeapConfig.Default with { MinBlockSize = 8, Alignment = 8, ClassesPerDoubling = 1, MaxSmallSize = 32768 },
        ["fine 8 per doubling"] = HeapConfig.Default with { MinBlockSize = 8, Alignment = 8, ClassesPerDoubling = 8, MaxSmallSize = 8192 },
        ["16 per doubling, small pages"] = HeapConfig.Default with { ClassesPerDoubling = 16, MaxSmallSize = 8192, PageSize = 4096, SegmentSize = 1 << 20 },
        ["odd max"] = HeapConfig.Default with { MaxSmallSize = 10000 },
        ["big alignment"] = HeapConfig.Default with { MinBlockSize = 64, Alignment = 64, ClassesPerDoubling = 2, MaxSmallSize = 65536, PageSize = 16384 },
        ["explicit"] = Explicit(48, 96, 192, 384, 720, 1024, 3008, 5024),
        ["explicit awkward"] = Explicit(16, 24 * 16, 1000 * 16, 1900 * 16),
    };

    public static IEnumerable<object[]> Configs() => ConfigsByName.Keys.Select(k => new object[] { k });

    private static HeapConfig Explicit(params int[] sizes) =>
        HeapConfig.Default with { SizeClasses = sizes.ToEquatableArray(), HasExplicitSizeClasses = true, MaxSmallSize = sizes[^1] };

    private static SizeClassPlan PlanOf(HeapConfig config)
    {
        var plan = SizeClassPlanner.Plan(config, out var error);
        Assert.Null(error);
        return Assert.IsType<SizeClassPlan>(plan);
    }

    [Fact]
    public void Defaults_follow_jemalloc_spacing()
    {
        // jemalloc with a 16-byte quantum: 16, 32, 48, 64, then four classes per doubling.
        var expected = new[]
        {
            16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512,
            640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
            5120, 6144, 7168, 8192, 10240, 12288, 14336, 16384,
        };
        Assert.Equal(expected, PlanOf(HeapConfig.Default).BlockSizes);
    }

    [Fact]
    public void One_class_per_doubling_gives_powers_of_two()
    {
        var classes = SizeClassPlanner.SpacedClasses(8, 4096, 1, 8);
        Assert.Equal(new[] { 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 }, classes);
    }

    [Fact]
    public void Explicit_list_is_used_as_given()
    {
        Assert.Equal(new[] { 48, 96, 192, 384, 720, 1024, 3008, 5024 }, PlanOf(Explicit(48, 96, 192, 384, 720, 1024, 3008, 5024)).BlockSizes);
    }

    [Theory]
    [InlineData(16, 16384, 4, 16)]
    [InlineData(8, 8192, 8, 8)]
    [InlineData(32, 32768, 2, 32)]
    [InlineData(16, 10000, 4, 16)]
    [InlineData(8, 4096, 16, 64)]
    public void Classes_are_ascending_aligned_and_end_at_max(int min, int max, int perDoubling, int alignment)
    {
        var classes = SizeClassPlanner.SpacedClasses(min, max, perDoubling, alignment);
        Assert.All(classes, c => Assert.Equal(0, c % alignment));
        Assert.True(classes.Zip(classes.Skip(1), (a, b) => a < b).All(x => x), "strictly ascending");
        Assert.Equal(SizeClassPlanner.RoundUp(max, alignment), classes[^1]);
        Assert.True(classes[0] >= min);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Every_page_holds_two_blocks_with_under_an_eighth_wasted_within_the_segment(string name)
    {
        var config = ConfigsByName[name];
        var plan = PlanOf(config);
        var maxSpan = (config.SegmentSize / config.PageSize) - 1;
        for (var c = 0; c < plan.Count; c++)
        {
            var pageBytes = (long)plan.PageSpans[c] * config.PageSize;
            var used = (long)plan.BlocksPerPage[c] * plan.BlockSizes[c];
            Assert.True(plan.PageSpans[c] >= 1 && plan.PageSpans[c] <= maxSpan, $"{name}: class {c} spans {plan.PageSpans[c]} units, max {maxSpan}");
            Assert.True(plan.BlocksPerPage[c] >= 2, $"{name}: class {c} holds {plan.BlocksPerPage[c]} blocks");
            Assert.True(used <= pageBytes, $"{name}: class {c} overflows its page");
            Assert.Equal(pageBytes / plan.BlockSizes[c], plan.BlocksPerPage[c]);
            Assert.True((pageBytes - used) * 8 < pageBytes, $"{name}: class {c} ({plan.BlockSizes[c]}) wastes {pageBytes - used} of {pageBytes}");

            // The span is the smallest that meets the bound: one unit less would not.
            if (plan.PageSpans[c] > 1)
            {
                var smaller = (long)(plan.PageSpans[c] - 1) * config.PageSize;
                var blocks = smaller / plan.BlockSizes[c];
                Assert.False(blocks >= 2 && (smaller - (blocks * plan.BlockSizes[c])) * 8 < smaller, $"{name}: class {c} could use a smaller page");
            }
        }
    }

    [Fact]
    public void A_class_that_wastes_an_eighth_of_one_unit_gets_a_multi_unit_page()
    {
        // 14336 × 4 = 57344 of 65536: 12.5% wasted in one unit; two units hold 9 blocks, 1.6% wasted.
        var plan = PlanOf(HeapConfig.Default);
        var c = plan.BlockSizes.AsImmutableArray().IndexOf(14336);
        Assert.Equal(2, plan.PageSpans[c]);
        Assert.Equal(9, plan.BlocksPerPage[c]);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Block_index_reciprocal_is_exact_for_every_offset_of_every_page(string name)
    {
        var config = ConfigsByName[name];
        var plan = PlanOf(config);
        var shift = plan.BlockIndexShift;
        for (var c = 0; c < plan.Count; c++)
        {
            var block = (ulong)plan.BlockSizes[c];
            var multiplier = plan.BlockIndexMultipliers[c];
            var used = (ulong)plan.BlocksPerPage[c] * block;
            // The product grows with the offset, so the last offset proves no 64-bit overflow.
            Assert.True((UInt128)(used - 1) * multiplier <= ulong.MaxValue, $"{name}: class {c} overflows");
            for (ulong offset = 0; offset < used; offset++)
            {
                // Every block start and every interior offset.
                var index = (offset * multiplier) >> shift;
                if (index != offset / block)
                {
                    Assert.Fail($"{name}: class {c} ({block}) maps offset {offset} to block {index}, not {offset / block}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void Lookup_gives_the_smallest_fitting_class_for_every_small_size(string name)
    {
        var config = ConfigsByName[name];
        var plan = PlanOf(config);
        var expected = 0;
        for (var size = 0; size <= plan.MaxSmallSize; size++)
        {
            while (plan.BlockSizes[expected] < size)
            {
                expected++;
            }

            var actual = SizeClassLookup.SizeClassOf(plan.Lookup, size);
            if (actual != expected)
            {
                Assert.Fail($"{name}: size {size} maps to class {actual}, not {expected}");
            }
        }
    }

    [Fact]
    public void Spaced_heaps_above_the_table_use_the_log2_formula()
    {
        var lookup = PlanOf(HeapConfig.Default).Lookup;
        Assert.True(lookup.HasFormula);
        Assert.Equal(1024, lookup.TableLimit);
        Assert.Equal(65, lookup.Table.Count);
        Assert.Equal(2, lookup.ClassesPerDoublingShift);
        Assert.Equal(6, lookup.GroupShift);

        var small = PlanOf(HeapConfig.Default with { MaxSmallSize = 512 }).Lookup;
        Assert.False(small.HasFormula);
        Assert.False(PlanOf(Explicit(48, 96, 192, 384, 720, 1024, 3008, 5024)).Lookup.HasFormula);
    }

    [Fact]
    public void A_class_no_page_can_hold_is_a_plan_error()
    {
        // PageSize 64 KiB, SegmentSize 128 KiB: one unit usable, so no page holds two 48 KiB blocks.
        var config = Explicit(16, 49152) with { SegmentSize = 131072 };
        var plan = SizeClassPlanner.Plan(config, out var error);
        Assert.Null(plan);
        Assert.Equal(new PlanError(PlanErrorKind.NoPageGeometry, 49152, 1), error);
    }

    [Fact]
    public void Too_many_classes_is_a_plan_error()
    {
        var config = Explicit(Enumerable.Range(1, 300).Select(i => i * 16).ToArray());
        Assert.Null(SizeClassPlanner.Plan(config, out var error));
        Assert.Equal(PlanErrorKind.TooManySizeClasses, error!.Kind);
        Assert.Equal(300, error.Count);
    }

    [Theory]
    [InlineData(48, 65536, 1)]
    [InlineData(14336, 65536, 2)]
    [InlineData(24576, 65536, 2)]
    [InlineData(40960, 65536, 2)]
    [InlineData(3008, 4096, 3)]
    public void Layout_is_the_smallest_span_meeting_the_bound(int block, int pageSize, int expectedSpan)
    {
        Assert.True(PageGeometry.TryLayout(block, pageSize, 63, out var span, out var blocks));
        Assert.Equal(expectedSpan, span);
        Assert.Equal((long)span * pageSize / block, blocks);
    }

    [Fact]
    public void Reciprocal_rejects_a_multiplier_that_would_be_inexact()
    {
        // 2^4 / 3 rounded up is 6, e = 2: exact only while offset * 2 < 16.
        Assert.True(BlockIndexReciprocal.TryMultiplier(3, 8, 4, out var m));
        Assert.Equal(6UL, m);
        Assert.False(BlockIndexReciprocal.TryMultiplier(3, 9, 4, out _));
        var exact = Enumerable.Range(0, 8).All(o => (o * 6) >> 4 == o / 3);
        Assert.True(exact);
        Assert.NotEqual(8 / 3, (8 * 6) >> 4); // the first offset the check rules out is indeed wrong
    }
}
