using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Benchmarks;

/// <summary>Two-thread Larson-style server simulation (cross-thread frees after each hand-over).</summary>
public class LarsonBenchmark
{
    private const int SlotsPerThread = 1000;
    private const int OperationsPerThread = 10_000;

    private LarsonRun? _run;

    public static IEnumerable<AllocatorKind> Allocators => AllocatorSet.ForCase(multiThreaded: true);

    [ParamsSource(nameof(Allocators))]
    public AllocatorKind Allocator { get; set; }

    [GlobalSetup]
    public void Setup() => _run = new LarsonRun(Allocator, SlotsPerThread, OperationsPerThread, seed: 7);

    [GlobalCleanup]
    public void Cleanup() => _run?.Dispose();

    /// <summary>Time per block replacement (one free and one alloc), wall clock over both threads.</summary>
    [Benchmark(OperationsPerInvoke = LarsonRun.Threads * OperationsPerThread)]
    public void Larson() => _run!.RunRound();
}
