using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.CheckCost;

// The --check-cost mode: what each HeapChecks flag costs on the alloc+free pair of the default
// heap (issue 4), measured so that a shared, noisy machine does not decide the answer.
//
// - One process measures the unchecked heap and every checked one (CheckedHeaps.cs): the same
//   JIT, the same machine state; no figure depends on which process drew the faster core.
// - Interleaved rounds: each round times one sample of every check set, the order rotating from
//   round to round, and divides each by the unchecked sample of the same round. The figure is
//   the median of those per-round ratios; the quartiles travel with it as its noise.
// - Samples are timed with the thread's CPU time (ThreadCpuClock).
// - Frees are sized (SizedPairWorkload), so Checks.Canary checks its canary.
// - Sizes are requests with slack in their size class (56 B in the 64 B class, 1000 B in the
//   1024 B class): an exact fit has no canary bytes, and would measure Canary's bookkeeping only.

/// <summary>Measures the cost of each run-time check against the unchecked heap, in one process.</summary>
internal static class CheckCostMode
{
    /// <summary>Requested sizes measured.</summary>
    public static readonly int[] Sizes = [56, 1000];

    /// <summary>Pairs per timed sample (about a millisecond unchecked).</summary>
    public const int PairsPerSample = 1 << 18;

    /// <summary>Measures every size and writes the JSON array to <paramref name="outputPath"/> (null: stdout).</summary>
    public static int Run(string? outputPath, bool quick)
    {
        var rounds = quick ? 31 : 101;
        var results = Measure(Sizes, rounds, PairsPerSample, warmUp: true);
        foreach (var r in results)
        {
            Console.Error.WriteLine($"check-cost {r.Size,5} B {r.Check,-10} {r.MedianRatio:0.000}x (quartiles {r.LowQuartile:0.000}-{r.HighQuartile:0.000}), {r.NanosecondsPerPair:0.00} ns/pair");
        }

        var json = JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }) + "\n";
        if (outputPath != null)
        {
            File.WriteAllText(outputPath, json);
        }
        else
        {
            Console.Write(json);
        }

        return 0;
    }

    /// <summary>
    /// <paramref name="rounds"/> interleaved rounds per size of one sample of every check set;
    /// one result per (size, check set), the unchecked heap's included (its ratios are all 1).
    /// </summary>
    public static List<CheckCostResult> Measure(IReadOnlyList<int> sizes, int rounds, int pairsPerSample, bool warmUp)
    {
        var sets = Enum.GetValues<CheckSet>();
        var results = new List<CheckCostResult>();
        foreach (var size in sizes)
        {
            if (warmUp)
            {
                WarmUp(sets, (nuint)size);
            }

            var times = new long[sets.Length][];
            for (var s = 0; s < sets.Length; s++)
            {
                times[s] = new long[rounds];
            }

            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < sets.Length; k++)
                {
                    var s = (round + k) % sets.Length;
                    times[s][round] = Sample(sets[s], (nuint)size, pairsPerSample);
                }
            }

            var none = times[Array.IndexOf(sets, CheckSet.None)];
            for (var s = 0; s < sets.Length; s++)
            {
                var ratios = new double[rounds];
                for (var round = 0; round < rounds; round++)
                {
                    ratios[round] = (double)times[s][round] / Math.Max(1, none[round]);
                }

                var summary = RatioSummary.Of(ratios);
                var nanoseconds = RatioSummary.Quantile(times[s].Select(t => (double)t).Order().ToArray(), 0.5) / pairsPerSample;
                results.Add(new CheckCostResult(size, sets[s].ToString(), summary.Median, summary.LowQuartile, summary.HighQuartile, nanoseconds, rounds, ThreadCpuClock.IsCpuTime ? "thread-cpu" : "wall"));
            }
        }

        return results;
    }

    /// <summary>Runs every set until the tiered JIT has compiled its loop at full optimisation.</summary>
    private static void WarmUp(CheckSet[] sets, nuint size)
    {
        // Tier-0 code is promoted after 30 calls, in the background, once calls have paused for
        // 100 ms: call often, pause, and again.
        for (var pass = 0; pass < 4; pass++)
        {
            foreach (var set in sets)
            {
                for (var i = 0; i < 40; i++)
                {
                    Sample(set, size, 4096);
                }
            }

            Thread.Sleep(150);
        }

        foreach (var set in sets)
        {
            Sample(set, size, PairsPerSample);
        }
    }

    /// <summary>Times <paramref name="pairs"/> alloc+sized-free pairs of <paramref name="size"/> bytes on the heap of <paramref name="set"/>.</summary>
    public static long Sample(CheckSet set, nuint size, int pairs)
    {
        var workload = new SizedPairWorkload { Size = size, Count = pairs };
        var start = ThreadCpuClock.Now();
        switch (set)
        {
            case CheckSet.None: workload.Run<CheckedAllocators.None>(); break;
            case CheckSet.DoubleFree: workload.Run<CheckedAllocators.DoubleFree>(); break;
            case CheckSet.Ownership: workload.Run<CheckedAllocators.Ownership>(); break;
            case CheckSet.Junk: workload.Run<CheckedAllocators.Junk>(); break;
            case CheckSet.Canary: workload.Run<CheckedAllocators.Canary>(); break;
            case CheckSet.All: workload.Run<CheckedAllocators.All>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(set), set, null);
        }

        return ThreadCpuClock.Now() - start;
    }
}

/// <summary>One check set at one size: its time over the unchecked heap's, per round, summarised.</summary>
internal sealed record CheckCostResult(int Size, string Check, double MedianRatio, double LowQuartile, double HighQuartile, double NanosecondsPerPair, int Rounds, string Clock);
