using System;
using System.Collections.Generic;
using BenchmarkDotNet.Attributes;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Benchmarks;

/// <summary>Which run-time checks the measured heap has.</summary>
public enum CheckSet
{
    /// <summary>The default heap, no checks.</summary>
    None,

    /// <summary><c>HeapChecks.DoubleFree</c>.</summary>
    DoubleFree,

    /// <summary><c>HeapChecks.Ownership</c>.</summary>
    Ownership,

    /// <summary><c>HeapChecks.Junk</c>.</summary>
    Junk,

    /// <summary><c>HeapChecks.Canary</c>.</summary>
    Canary,

    /// <summary><c>HeapChecks.All</c>.</summary>
    All,
}

/// <summary>What each run-time check costs on the alloc+free pair (issue 4); compare with <see cref="CheckSet.None"/>.</summary>
public class CheckCostBenchmark
{
    private const int PairsPerInvoke = 1024;

    public static IEnumerable<int> Sizes => [64, 1024];

    [ParamsSource(nameof(Sizes))]
    public int Size { get; set; }

    [Params(CheckSet.None, CheckSet.DoubleFree, CheckSet.Ownership, CheckSet.Junk, CheckSet.Canary, CheckSet.All)]
    public CheckSet Checks { get; set; }

    /// <summary>Time per pair.</summary>
    [Benchmark(OperationsPerInvoke = PairsPerInvoke)]
    public void AllocFree()
    {
        var workload = new PairWorkload { Size = (nuint)Size, Count = PairsPerInvoke };
        switch (Checks)
        {
            case CheckSet.None: workload.Run<HeapsmithAllocator>(); break;
            case CheckSet.DoubleFree: workload.Run<CheckedAllocators.DoubleFree>(); break;
            case CheckSet.Ownership: workload.Run<CheckedAllocators.Ownership>(); break;
            case CheckSet.Junk: workload.Run<CheckedAllocators.Junk>(); break;
            case CheckSet.Canary: workload.Run<CheckedAllocators.Canary>(); break;
            case CheckSet.All: workload.Run<CheckedAllocators.All>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(Checks), Checks, null);
        }
    }
}
