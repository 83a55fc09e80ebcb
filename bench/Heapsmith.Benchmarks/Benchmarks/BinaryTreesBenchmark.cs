using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Benchmarks;

/// <summary>Binary-trees (Benchmarks Game shape) with 16-byte unmanaged nodes.</summary>
public class BinaryTreesBenchmark
{
    internal const int MaxDepth = 12;

    /// <summary>Nodes of one run at <see cref="MaxDepth"/> (<see cref="BinaryTreesWorkload.NodesPerRun"/>; a test holds them equal).</summary>
    internal const int NodesPerRun = 658_095;

    public static IEnumerable<AllocatorKind> Allocators => AllocatorSet.ForCase(multiThreaded: false);

    [ParamsSource(nameof(Allocators))]
    public AllocatorKind Allocator { get; set; }

    /// <summary>Time per node (one alloc and one free, plus the walk).</summary>
    [Benchmark(OperationsPerInvoke = NodesPerRun)]
    public long BinaryTrees()
    {
        var workload = new BinaryTreesWorkload { MaxDepth = MaxDepth };
        AllocatorSet.Run(Allocator, ref workload);
        return workload.Checksum;
    }
}
