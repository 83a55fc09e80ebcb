using System;

namespace Heapsmith.Benchmarks;

// Options shared by the host process and the benchmark processes BenchmarkDotNet starts. They
// travel as environment variables because the child processes do not see the host's arguments.

/// <summary>Run-wide options read from the environment.</summary>
internal static class BenchOptions
{
    /// <summary>Set to 1 by <c>--quick</c>: a shorter job and fewer cases.</summary>
    public const string QuickVariable = "HEAPSMITH_BENCH_QUICK";

    /// <summary>Whether this run is the quick one.</summary>
    public static bool Quick => Environment.GetEnvironmentVariable(QuickVariable) == "1";
}
