using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Benchmarks;

/// <summary>One buffer grown by 64-byte steps to 64 KiB with Realloc.</summary>
public class ReallocGrowthBenchmark
{
    private const int Steps = 1024;
    private const int StepSize = 64;

    public static IEnumerable<AllocatorKind> Allocators => AllocatorSet.ForCase(multiThreaded: false);

    [ParamsSource(nameof(Allocators))]
    public AllocatorKind Allocator { get; set; }

    /// <summary>Time per Realloc step.</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public long ReallocGrowth()
    {
        var workload = new ReallocGrowthWorkload { Steps = Steps, StepSize = StepSize };
        AllocatorSet.Run(Allocator, ref workload);
        return workload.Checksum;
    }
}
