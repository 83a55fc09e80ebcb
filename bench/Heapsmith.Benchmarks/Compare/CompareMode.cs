using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime;
using System.Text.Json;
using System.Threading;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Compare;

// The --compare mode: every allocator of a case in the same process, in interleaved rounds (the
// method of the check-cost mode, applied to the time cases). Each round times one sample of every
// allocator, the order rotating from round to round; the report divides allocators' times within
// a round and takes the median of those ratios, so load that comes and goes on a shared machine
// hits every allocator alike and a disturbed round is one outlier among many.
// - Before the rounds, every sampler runs until the JIT has stopped compiling (tiered compilation
//   promotes the loops in the background), then is calibrated to a sample of about SampleMs.
// - The natives are measured both ways (fn pointers with SuppressGCTransition, and P/Invoke) and
//   the C# bound (FreeListBaseline) takes part in every case.
// - The parent (--compare) starts several processes (code placement changes from one to the next)
//   and writes their results side by side; scripts/bench-report pools them.
// - Managed bytes allocated per operation are counted around every sample (outside the timing).

/// <summary>Runs the time cases with all allocators interleaved in one process.</summary>
internal static class CompareMode
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Parent: <paramref name="processes"/> child processes; writes {"processes": [...]} to <paramref name="outputPath"/> (null: stdout).</summary>
    public static int Run(string? outputPath, bool quick, int processes, string? caseFilter)
    {
        var results = new List<JsonElement>();
        for (var i = 0; i < processes; i++)
        {
            var arguments = new List<string> { "--compare-child" };
            if (quick)
            {
                arguments.Add("--quick");
            }

            if (caseFilter != null)
            {
                arguments.AddRange(["--cases", caseFilter]);
            }

            var start = SelfProcess.StartInfo([.. arguments]);
            start.RedirectStandardOutput = true;
            using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start a compare child");
            var output = child.StandardOutput.ReadToEnd();
            child.WaitForExit();
            if (child.ExitCode != 0)
            {
                Console.Error.WriteLine($"compare child {i} exited with {child.ExitCode}");
                return 1;
            }

            results.Add(JsonDocument.Parse(output).RootElement.Clone());
        }

        var json = JsonSerializer.Serialize(new { processes = results }, JsonOptions) + "\n";
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

    /// <summary>Child: every case in this process; prints a JSON array of case results.</summary>
    public static int RunChild(bool quick, string? caseFilter)
    {
        var rounds = quick ? 21 : 41;
        var sampleNs = (quick ? 2 : 4) * 1_000_000L;
        var results = new List<CaseResult>();
        foreach (var @case in CompareCase.All(quick))
        {
            if (caseFilter != null && !@case.Name.Contains(caseFilter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            results.Add(Measure(@case, rounds, sampleNs));
        }

        Console.WriteLine(JsonSerializer.Serialize(results, JsonOptions));
        return 0;
    }

    /// <summary>
    /// --profile: one case with one allocator in a loop for <paramref name="seconds"/> seconds, for
    /// perf (DOTNET_PerfMapEnabled=1) or the JIT's disassembly; prints its ns per operation.
    /// </summary>
    public static int Profile(string caseName, string allocatorName, double seconds, bool quick)
    {
        var @case = CompareCase.All(quick).FirstOrDefault(c => c.Name.Contains(caseName, StringComparison.OrdinalIgnoreCase));
        if (@case == null || !Enum.TryParse<AllocatorKind>(allocatorName, out var kind))
        {
            Console.Error.WriteLine($"usage: --profile CASE ALLOCATOR [SECONDS]: no case \"{caseName}\" or allocator \"{allocatorName}\"");
            return 2;
        }

        using var sampler = @case.Create(kind);
        var clock = Stopwatch.StartNew();
        long ns = 0, ops = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            ns += sampler.Sample(16);
            ops += 16L * @case.OperationsPerInvocation;
        }

        Console.WriteLine($"{@case.Name} {kind}: {(double)ns / ops:0.00} ns/op over {clock.Elapsed.TotalSeconds:0.0} s");
        return 0;
    }

    private static CaseResult Measure(CompareCase @case, int rounds, long sampleNs)
    {
        var kinds = AllocatorSet.ForCase(@case.MultiThreaded, withBaseline: @case.WithBound, withPInvoke: true).ToArray();
        var samplers = kinds.Select(@case.Create).ToArray();
        try
        {
            WarmUp(samplers);
            var invocations = new int[kinds.Length];
            for (var k = 0; k < kinds.Length; k++)
            {
                var once = Math.Max(1, Median(Enumerable.Range(0, 5).Select(_ => (double)samplers[k].Sample(1)).ToArray()));
                invocations[k] = (int)Math.Clamp(sampleNs / once, 1, 1_000_000);
            }

            var nsPerOp = kinds.Select(_ => new double[rounds]).ToArray();
            var managed = new long[kinds.Length];
            var operations = new long[kinds.Length];
            for (var round = 0; round < rounds; round++)
            {
                for (var i = 0; i < kinds.Length; i++)
                {
                    var k = (round + i) % kinds.Length;
                    var before = GC.GetTotalAllocatedBytes(precise: true);
                    var ns = samplers[k].Sample(invocations[k]);
                    managed[k] += GC.GetTotalAllocatedBytes(precise: true) - before;
                    var ops = (long)invocations[k] * @case.OperationsPerInvocation;
                    operations[k] += ops;
                    nsPerOp[k][round] = (double)ns / ops;
                }
            }

            var samples = new Dictionary<string, double[]>();
            var managedPerOp = new Dictionary<string, double>();
            for (var k = 0; k < kinds.Length; k++)
            {
                samples[kinds[k].ToString()] = nsPerOp[k];
                managedPerOp[kinds[k].ToString()] = (double)managed[k] / operations[k];
                Console.Error.WriteLine($"compare {@case.Name,-24} {kinds[k],-16} {Median(nsPerOp[k]),8:0.00} ns/op");
            }

            return new CaseResult(@case.Name, @case.Order, @case.MultiThreaded ? "process-cpu" : "thread-cpu", rounds, samples, managedPerOp);
        }
        finally
        {
            foreach (var sampler in samplers)
            {
                sampler.Dispose();
            }
        }
    }

    /// <summary>Runs every sampler, pausing between passes, until the JIT has compiled nothing new for a while.</summary>
    private static void WarmUp(ICaseSampler[] samplers)
    {
        var clock = Stopwatch.StartNew();
        var quiet = 0;
        var compiled = JitInfo.GetCompiledMethodCount();
        while (quiet < 3 && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            foreach (var sampler in samplers)
            {
                for (var i = 0; i < 40 && clock.Elapsed < TimeSpan.FromSeconds(15); i++)
                {
                    sampler.Sample(1);
                }
            }

            Thread.Sleep(150);
            var now = JitInfo.GetCompiledMethodCount();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
        }
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        return CheckCost.RatioSummary.Quantile(sorted, 0.5);
    }
}

/// <summary>One case in one process: each allocator's time per operation in every round, and its managed bytes per operation.</summary>
internal sealed record CaseResult(string Case, int Order, string Clock, int Rounds, Dictionary<string, double[]> NsPerOp, Dictionary<string, double> ManagedBytesPerOp);
