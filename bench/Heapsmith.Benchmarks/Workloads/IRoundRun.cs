using System;

namespace Heapsmith.Benchmarks.Workloads;

/// <summary>A case whose threads run one round at a time (Larson, producer/consumer).</summary>
internal interface IRoundRun : IDisposable
{
    /// <summary>Runs one round on every thread of the case and returns when all are done.</summary>
    void RunRound();
}
