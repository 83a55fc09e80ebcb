namespace Heapsmith.Benchmarks.CheckCost;

/// <summary>Which run-time checks the measured heap has (CheckedHeaps.cs declares one heap per value).</summary>
public enum CheckSet
{
    /// <summary>The default heap, no checks: what every other set is compared with.</summary>
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

    /// <summary><c>HeapChecks.Hardened</c>: encoded, checked free-list links and freed-block keys.</summary>
    Hardened,
}
