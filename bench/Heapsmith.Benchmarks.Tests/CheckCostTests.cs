using System;
using System.Collections.Generic;
using System.Linq;
using Heapsmith.Benchmarks.CheckCost;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Tests;

// The check-cost measurement: its statistics, that every checked heap frees with the size (so the
// canary is checked), and a tiny real run in this process.
public unsafe class CheckCostTests
{
    [Fact]
    public void Ratio_summary_gives_median_and_quartiles()
    {
        var summary = RatioSummary.Of([1.3, 1.0, 5.0, 1.1, 1.2]);
        Assert.Equal(1.2, summary.Median, 9);
        Assert.Equal(1.1, summary.LowQuartile, 9);
        Assert.Equal(1.3, summary.HighQuartile, 9);
        Assert.Equal(1.5, RatioSummary.Of([1.0, 2.0]).Median, 9);
        Assert.Throws<ArgumentException>(() => RatioSummary.Of([]));
    }

    [Fact]
    public void Processes_combine_into_the_median_of_their_medians_and_their_range()
    {
        static CheckCostResult Result(string check, double ratio, double ns) => new(56, check, ratio, ratio, ratio, ns, 11, "thread-cpu");
        List<CheckCostResult>[] processes =
        [
            [Result("None", 1, 5), Result("Junk", 1.5, 8)],
            [Result("None", 1, 6), Result("Junk", 1.1, 7)],
            [Result("None", 1, 7), Result("Junk", 1.3, 9)],
        ];
        var combined = CheckCostMode.Combine(processes);
        var junk = Assert.Single(combined, c => c.Check == "Junk");
        Assert.Equal(1.3, junk.MedianRatio, 9);
        Assert.Equal(1.1, junk.LowRatio, 9);
        Assert.Equal(1.5, junk.HighRatio, 9);
        Assert.Equal(8, junk.NanosecondsPerPair, 9);
        Assert.Equal(3, junk.Processes);
    }

    [Fact]
    public void Sized_pairs_free_with_the_requested_size()
    {
        SizeRecordingAllocator.Reset();
        new SizedPairWorkload { Size = 56, Count = 10 }.Run<SizeRecordingAllocator>();
        Assert.Equal(Enumerable.Repeat((nuint)56, 10), SizeRecordingAllocator.FreedSizes);
    }

    [Fact]
    public void The_canary_heap_checks_its_canary_on_the_sized_free()
    {
        // What makes the Canary figure include the check: its sized free sees an overrun.
        var block = (byte*)CheckedAllocators.Canary.Alloc(56);
        block[56] ^= 1; // the first byte past the request (here the size record's: 56 fills the 64-byte class)
        Assert.Throws<HeapCorruptionException>(() => CheckedAllocators.Canary.Free(block, 56));
        block[56] ^= 1;
        CheckedAllocators.Canary.Free(block, 56);
    }

    [Fact]
    public void A_short_run_measures_every_check_set_at_every_size()
    {
        var results = CheckCostMode.Measure([56, 1000], rounds: 3, pairsPerSample: 256, warmUp: false);
        Assert.Equal(2 * Enum.GetValues<CheckSet>().Length, results.Count);
        Assert.All(results, r => Assert.True(r.MedianRatio > 0 && r.NanosecondsPerPair > 0 && r.LowQuartile <= r.HighQuartile, r.ToString()));
        Assert.All(results.Where(r => r.Check == "None"), r => Assert.Equal(1.0, r.MedianRatio));
    }
}
