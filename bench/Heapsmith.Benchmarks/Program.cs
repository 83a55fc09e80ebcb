using System;
using System.Diagnostics;
using System.Linq;
using BenchmarkDotNet.Running;
using Heapsmith.Benchmarks;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.CheckCost;
using Heapsmith.Benchmarks.Compare;
using Heapsmith.Benchmarks.Rss;

// Entry point. Modes:
//   (default)              BenchmarkDotNet; arguments go to BenchmarkSwitcher (e.g. --filter '*').
//   --list                 the allocators, and why any is unavailable.
//   --rss [--out FILE]     resident-memory cases, one child process per allocator.
//   --rss-child CASE ALLOC one RSS case in this process (used by --rss).
//   --check-cost [--out FILE] what each run-time check costs: several child processes, each
//                          timing every check in interleaved rounds; medians of ratios.
//   --check-cost-child     one such process (used by --check-cost).
//   --compare [--processes N] [--cases TEXT] [--out FILE] the time cases, every allocator in the
//                          same process in interleaved rounds (natives both ways, the C# bound);
//                          N processes (default 3, quick 1), results side by side.
//   --compare-child        one such process (used by --compare).
//   --profile CASE ALLOC [SECONDS] one case with one allocator in a loop (for perf, JitDisasm).
// --quick (any mode): the short job and fewer cases, for scripts/bench-report --quick.
// --wall-clock: time with BenchmarkDotNet's wall clock instead of the process CPU time.

var quick = args.Contains("--quick");
var wallClock = args.Contains("--wall-clock");
var rest = args.Where(a => a is not "--quick" and not "--wall-clock").ToArray();
if (quick)
{
    Environment.SetEnvironmentVariable(BenchOptions.QuickVariable, "1");
}

// jemalloc's dlopen needs the static-TLS tunable, which the loader reads only at process start:
// restart once with it set, so this process (which decides which allocators are available) and every
// process it starts can load jemalloc.
var tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
if (OperatingSystem.IsLinux() && !GlibcTunables.HasStaticTls(tunables) && !JemallocAllocator.IsAvailable)
{
    var restart = SelfProcess.StartInfo(args);
    restart.Environment["GLIBC_TUNABLES"] = GlibcTunables.WithStaticTls(tunables);
    using var restarted = Process.Start(restart) ?? throw new InvalidOperationException("could not restart");
    restarted.WaitForExit();
    return restarted.ExitCode;
}

switch (rest.FirstOrDefault())
{
    case "--list":
        foreach (var kind in Enum.GetValues<AllocatorKind>())
        {
            Console.WriteLine($"{kind,-16} {(AllocatorSet.IsAvailable(kind) ? "available" : "unavailable: " + AllocatorSet.UnavailableReason(kind))}");
        }

        return 0;

    case "--rss":
        var outIndex = Array.IndexOf(rest, "--out");
        return RssMode.RunAll(outIndex >= 0 && outIndex + 1 < rest.Length ? rest[outIndex + 1] : null, quick);

    case "--check-cost":
        var costOut = Array.IndexOf(rest, "--out");
        return CheckCostMode.Run(costOut >= 0 && costOut + 1 < rest.Length ? rest[costOut + 1] : null, quick);

    case "--compare":
        var compareOut = Array.IndexOf(rest, "--out");
        var processesAt = Array.IndexOf(rest, "--processes");
        return CompareMode.Run(
            compareOut >= 0 && compareOut + 1 < rest.Length ? rest[compareOut + 1] : null,
            quick,
            processesAt >= 0 && processesAt + 1 < rest.Length ? int.Parse(rest[processesAt + 1], System.Globalization.CultureInfo.InvariantCulture) : (quick ? 1 : 3),
            CasesFilter(rest));

    case "--profile" when rest.Length >= 3:
        return CompareMode.Profile(rest[1], rest[2], rest.Length >= 4 ? double.Parse(rest[3], System.Globalization.CultureInfo.InvariantCulture) : 10, quick);

    case "--compare-child":
        return CompareMode.RunChild(quick, CasesFilter(rest));

    case "--check-cost-child":
        return CheckCostMode.RunChild(quick);

    case "--rss-child" when rest.Length >= 3:
        return RssMode.RunChild(rest[1], rest[2], quick);

    default:
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(rest, BenchConfig.Create(quick, wallClock));
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}

static string? CasesFilter(string[] arguments)
{
    var at = Array.IndexOf(arguments, "--cases");
    return at >= 0 && at + 1 < arguments.Length ? arguments[at + 1] : null;
}
