using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Text.Json;
using System.Threading;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.CheckCost;

// The --check-cost mode: what each HeapChecks flag costs on the alloc+free pair of the default
// heap (issue 4), measured so that a shared, noisy machine does not decide the answer.
//
// - Within a process (--check-cost-child), interleaved rounds: each round times one sample of
//   every check set, the order rotating from round to round, and divides each by the unchecked
//   sample of the same round. The process's figure is the median of those per-round ratios: load
//   that comes and goes hits the checked and the unchecked heap alike, and a disturbed round is
//   one outlier among many.
// - Across processes: a loop of a few nanoseconds also depends on where its code and data landed
//   (alignment, address aliasing), fixed for a process and different in the next. The parent
//   starts several processes and reports, per check, the median of their medians and the range
//   they spanned.
// - Samples are timed with the thread's CPU time (ThreadCpuClock). Before the rounds, every loop
//   runs until the JIT has stopped compiling: tiered compilation promotes a loop in the background
//   (tier 0, OSR, instrumented, tier 1), and a round measured mid-way compares different tiers.
//   Each loop is a method of its own (SizedPairWorkload.Run is never inlined into the switch
//   below): inlined there, the loops shared one inlining budget, and which checks were measured
//   with Alloc and Free left as calls changed from process to process (1.1x or 1.8x for one check).
//   Compiling the loops fully optimised up front (AggressiveOptimization) is no way out either:
//   such code kept calls to static properties that tier 1 inlines and folds into constants.
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

    /// <summary>Parent: measures in several child processes and writes the combined JSON array to <paramref name="outputPath"/> (null: stdout).</summary>
    public static int Run(string? outputPath, bool quick)
    {
        var processes = quick ? 3 : 5;
        var perProcess = new List<List<CheckCostResult>>();
        for (var i = 0; i < processes; i++)
        {
            var start = SelfProcess.StartInfo(["--check-cost-child", .. quick ? new[] { "--quick" } : []]);
            start.RedirectStandardOutput = true;
            using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start a check-cost child");
            var output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            if (child.ExitCode != 0)
            {
                Console.Error.WriteLine($"check-cost child {i} exited with {child.ExitCode}");
                return 1;
            }

            perProcess.Add(JsonSerializer.Deserialize<List<CheckCostResult>>(output, JsonOptions) ?? []);
        }

        var combined = Combine(perProcess);
        foreach (var r in combined)
        {
            Console.Error.WriteLine($"check-cost {r.Size,5} B {r.Check,-10} {r.MedianRatio:0.000}x (processes {r.LowRatio:0.000}-{r.HighRatio:0.000}), {r.NanosecondsPerPair:0.00} ns/pair");
        }

        var json = JsonSerializer.Serialize(combined, JsonOptions) + "\n";
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

    /// <summary>Child: measures every size in this process and prints its JSON array.</summary>
    public static int RunChild(bool quick)
    {
        var results = Measure(Sizes, quick ? 31 : 61, PairsPerSample, warmUp: true);
        Console.WriteLine(JsonSerializer.Serialize(results, JsonOptions));
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Per (size, check): the median of the processes' median ratios, and their range.</summary>
    public static List<CheckCostSummary> Combine(IReadOnlyList<IReadOnlyList<CheckCostResult>> perProcess) =>
        perProcess.SelectMany(results => results)
            .GroupBy(r => (r.Size, r.Check))
            .Select(g =>
            {
                var ratios = g.Select(r => r.MedianRatio).Order().ToArray();
                var nanoseconds = g.Select(r => r.NanosecondsPerPair).Order().ToArray();
                return new CheckCostSummary(g.Key.Size, g.Key.Check, RatioSummary.Quantile(ratios, 0.5), ratios[0], ratios[^1], RatioSummary.Quantile(nanoseconds, 0.5), ratios.Length, g.First().Rounds, g.First().Clock);
            })
            .ToList();

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

    /// <summary>Runs every set, pausing between passes, until the JIT has compiled nothing new for a while.</summary>
    private static void WarmUp(CheckSet[] sets, nuint size)
    {
        // A promotion waits for 30 calls and then 100 ms without new tier-0 code, and compiles in
        // the background: passes of calls with pauses, until three passes in a row compiled
        // nothing (or 20 s went by).
        var clock = Stopwatch.StartNew();
        var quiet = 0;
        var compiled = JitInfo.GetCompiledMethodCount();
        while (quiet < 3 && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            foreach (var set in sets)
            {
                for (var i = 0; i < 40; i++)
                {
                    Sample(set, size, 1024);
                }
            }

            Thread.Sleep(150);
            var now = JitInfo.GetCompiledMethodCount();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
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
            case CheckSet.Hardened: workload.Run<CheckedAllocators.Hardened>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(set), set, null);
        }

        return ThreadCpuClock.Now() - start;
    }
}

/// <summary>One check set at one size in one process: its time over the unchecked heap's, per round, summarised.</summary>
internal sealed record CheckCostResult(int Size, string Check, double MedianRatio, double LowQuartile, double HighQuartile, double NanosecondsPerPair, int Rounds, string Clock);

/// <summary>One check set at one size over every process: the median of their ratios and the lowest and highest.</summary>
internal sealed record CheckCostSummary(int Size, string Check, double MedianRatio, double LowRatio, double HighRatio, double NanosecondsPerPair, int Processes, int Rounds, string Clock);
