using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Benchmarks;

/// <summary>10,000 random-size blocks allocated, then freed in random order.</summary>
public class RandomBatchBenchmark
{
    private const int BatchSize = 10_000;

    private RandomBatchWorkload _workload;

    public static IEnumerable<AllocatorKind> Allocators => AllocatorSet.ForCase(multiThreaded: false);

    [ParamsSource(nameof(Allocators))]
    public AllocatorKind Allocator { get; set; }

    [GlobalSetup]
    public void Setup() => _workload = new RandomBatchWorkload(BatchSize, seed: 42);

    /// <summary>Time per block (one alloc and one free).</summary>
    [Benchmark(OperationsPerInvoke = BatchSize)]
    public void RandomBatch() => AllocatorSet.Run(Allocator, ref _workload);
}
