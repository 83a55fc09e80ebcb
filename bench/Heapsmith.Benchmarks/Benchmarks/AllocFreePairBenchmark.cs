using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Benchmarks;

/// <summary>Alloc+free pairs at fixed sizes, with the free-list baseline as the bound.</summary>
public class AllocFreePairBenchmark
{
    private const int PairsPerInvoke = 1024;

    public static IEnumerable<int> Sizes => BenchOptions.Quick ? [16, 256, 4096] : [16, 64, 256, 1024, 4096];

    public static IEnumerable<AllocatorKind> Allocators => AllocatorSet.ForCase(multiThreaded: false, withBaseline: true);

    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    [ParamsSource(nameof(Allocators))]
    public AllocatorKind Allocator { get; set; }

    /// <summary>Time per pair.</summary>
    [Benchmark(OperationsPerInvoke = PairsPerInvoke)]
    public void AllocFree()
    {
        var workload = new PairWorkload { Size = (nuint)Size, Count = PairsPerInvoke };
        AllocatorSet.Run(Allocator, ref workload);
    }
}
