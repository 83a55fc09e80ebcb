using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Benchmarks;

/// <summary>One thread allocates, another frees: every free is cross-thread.</summary>
public class ProducerConsumerBenchmark
{
    private const int BlocksPerRound = 20_000;

    private ProducerConsumerRun? _run;

    public static IEnumerable<AllocatorKind> Allocators => AllocatorSet.ForCase(multiThreaded: true);

    [ParamsSource(nameof(Allocators))]
    public AllocatorKind Allocator { get; set; }

    [GlobalSetup]
    public void Setup() => _run = new ProducerConsumerRun(Allocator, BlocksPerRound, seed: 11);

    [GlobalCleanup]
    public void Cleanup() => _run?.Dispose();

    /// <summary>Time per block handed over (alloc on the producer, free on the consumer).</summary>
    [Benchmark(OperationsPerInvoke = BlocksPerRound)]
    public void ProducerConsumer() => _run!.RunRound();
}
