using System;
using System.Collections.Generic;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.CheckCost;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Compare;

// The time cases of the --compare mode, the same workloads as the BenchmarkDotNet classes, each
// turned into a sampler per allocator: Sample(n) runs n invocations and returns the nanoseconds
// they took. One-thread cases are timed with the thread's CPU time, two-thread cases with the
// process's (both threads, spin-waits included: CPU work per operation).

/// <summary>One allocator's instance of a case, timed a sample at a time.</summary>
internal interface ICaseSampler : IDisposable
{
    /// <summary>Runs <paramref name="invocations"/> invocations; returns their time in nanoseconds.</summary>
    long Sample(int invocations);
}

/// <summary>A time case: its name, its operations per invocation and how to make a sampler.</summary>
internal sealed record CompareCase(string Name, int Order, int OperationsPerInvocation, bool MultiThreaded, Func<AllocatorKind, ICaseSampler> Create)
{
    /// <summary>
    /// Whether the C# bound takes part. Not in producer/consumer: its frees join the consumer's
    /// lists, which the producer never sees, so it maps fresh memory for every block and measures
    /// page faults, not allocation.
    /// </summary>
    public bool WithBound { get; init; } = true;

    /// <summary>Every case in report order (fewer pair sizes when quick).</summary>
    public static List<CompareCase> All(bool quick)
    {
        var cases = new List<CompareCase>();
        var order = 0;
        foreach (var size in quick ? new[] { 16, 256, 4096 } : [16, 64, 256, 1024, 4096])
        {
            cases.Add(new($"alloc+free {size} B", order++, 1024, false, kind => new WorkloadSampler<PairWorkload>(kind, new PairWorkload { Size = (nuint)size, Count = 1024 })));
        }

        cases.Add(new("random batch of 10,000", order++, 10_000, false, kind => new WorkloadSampler<RandomBatchWorkload>(kind, new RandomBatchWorkload(10_000, seed: 42))));
        cases.Add(new("Larson, 2 threads", order++, LarsonRun.Threads * 10_000, true, kind => new RoundSampler(new LarsonRun(kind, 1000, 10_000, seed: 7))));
        cases.Add(new("producer/consumer", order++, 20_000, true, kind => new RoundSampler(new ProducerConsumerRun(kind, 20_000, seed: 11))) { WithBound = false });
        cases.Add(new("realloc growth", order++, 1024, false, kind => new WorkloadSampler<ReallocGrowthWorkload>(kind, new ReallocGrowthWorkload { Steps = 1024, StepSize = 64 })));
        cases.Add(new("binary trees", order++, (int)BinaryTreesWorkload.NodesPerRun(12), false, kind => new WorkloadSampler<BinaryTreesWorkload>(kind, new BinaryTreesWorkload { MaxDepth = 12 })));
        return cases;
    }
}

/// <summary>A one-thread workload run on the calling thread, timed with its CPU time.</summary>
internal sealed class WorkloadSampler<TWorkload>(AllocatorKind kind, TWorkload workload) : ICaseSampler
    where TWorkload : struct, IAllocatorWorkload
{
    private TWorkload _workload = workload;

    public long Sample(int invocations)
    {
        var start = ThreadCpuClock.Now();
        for (var i = 0; i < invocations; i++)
        {
            AllocatorSet.Run(kind, ref _workload);
        }

        return ThreadCpuClock.Now() - start;
    }

    public void Dispose()
    {
    }
}

/// <summary>Rounds of a two-thread case (Larson, producer/consumer), timed with the process's CPU time.</summary>
internal sealed class RoundSampler(IRoundRun run) : ICaseSampler
{
    private static readonly ProcessCpuClock Clock = new();

    public long Sample(int invocations)
    {
        var start = Clock.GetTimestamp();
        for (var i = 0; i < invocations; i++)
        {
            run.RunRound();
        }

        return Clock.GetTimestamp() - start;
    }

    public void Dispose() => run.Dispose();
}
