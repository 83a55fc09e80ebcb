using System;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using Heapsmith.Benchmarks.Allocators;
using Perfolizer.Horology;

namespace Heapsmith.Benchmarks;

// The BenchmarkDotNet configuration. Every benchmark runs in its own process (BDN's default
// toolchain), so allocators never share a heap. The job carries the environment the benchmark
// processes need: the glibc tunable for jemalloc's dlopen and the quick flag. Results are joined
// into one summary and exported as JSON (what scripts/bench-report parses) and GitHub markdown.
// The quick job uses many short iterations rather than a few long ones: on a shared machine a
// short iteration has a better chance to run undisturbed, which keeps the median honest. Time is
// the process's CPU time (ProcessCpuClock) unless --wall-clock asks for BenchmarkDotNet's default. The full
// job is bounded too (two launches of 20 iterations): BenchmarkDotNet's default keeps iterating up
// to 100 times while a noisy machine keeps the error high, which made a full run take hours.
// Tier-1 code is asked for at once (no call-counting delay): on this busy 2-core machine the tier-1
// code of a case sometimes arrived only after seven measured iterations (72 ns a pair at tier 0,
// 6 ns after), which moved medians by 4x. Tiering stays on: with it off (full optimisation at the
// first call) static readonly state is not folded and every heap ran 2x slower than it does in an
// application's steady state.

/// <summary>Builds the run's configuration.</summary>
internal static class BenchConfig
{
    public static IConfig Create(bool quick, bool wallClock)
    {
        var baseJob = quick
            ? Job.Default
                .WithLaunchCount(1)
                .WithWarmupCount(15)
                .WithIterationCount(25)
                .WithIterationTime(TimeInterval.FromMilliseconds(20))
                .WithId("Quick")
            : Job.Default
                .WithLaunchCount(2)
                .WithWarmupCount(5)
                .WithIterationCount(20)
                .WithIterationTime(TimeInterval.FromMilliseconds(250))
                .WithId("Full");
        var cpuClock = new ProcessCpuClock();
        if (!wallClock && cpuClock.IsAvailable)
        {
            baseJob = baseJob.WithClock(cpuClock);
        }

        var job = baseJob.WithEnvironmentVariables(
            new EnvironmentVariable("GLIBC_TUNABLES", GlibcTunables.WithStaticTls(Environment.GetEnvironmentVariable("GLIBC_TUNABLES"))),
            new EnvironmentVariable(BenchOptions.QuickVariable, quick ? "1" : "0"),
            new EnvironmentVariable("DOTNET_TC_CallCountingDelayMs", "0"));

        return ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            // Managed bytes allocated per operation: every allocator path here must show zero.
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddExporter(JsonExporter.Brief, MarkdownExporter.GitHub)
            .WithSummaryStyle(SummaryStyle.Default.WithMaxParameterColumnWidth(24))
            .WithOptions(ConfigOptions.JoinSummary | ConfigOptions.DisableLogFile);
    }
}
