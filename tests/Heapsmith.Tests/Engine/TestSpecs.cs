using System;

namespace Heapsmith.Tests.Engine;

// Hand-written heap specs, so the engine is tested without the generator. Each test class that
// reads a static heap's statistics gets its own spec (its own static heap and segment map). The
// tables follow the rules of the generator's default plan (jemalloc-style classes, one page unit
// per page, more for classes that would fit fewer than 8 blocks, multiplier ceil(2^32 / size)) but
// are computed by this simpler code, not by the generator's SizeClassPlanner (one lookup table in
// alignment steps over every small size instead of a table plus log2 above 1 KiB): engine tests do
// not depend on the planner; the generated tables are checked by the tests in Generated/.

/// <summary>The parameters of a test spec.</summary>
public interface ISpecParameters
{
    static abstract int MaxSmallSize { get; }

    static abstract int PageShift { get; }

    static abstract int SegmentShift { get; }

    static abstract bool ThreadSafe { get; }

    static abstract int PurgeDelayMs { get; }

    static virtual HeapBackend Backend => HeapBackend.NativeMemory;

    static virtual HeapChecks Checks => HeapChecks.None;
}

/// <summary>Size-class tables computed from the parameters.</summary>
public sealed class SpecTables
{
    public const int Alignment = 16;

    public SpecTables(int maxSmallSize, int pageShift, int segmentShift)
    {
        var sizes = new System.Collections.Generic.List<int>();
        var size = Alignment;
        while (size < maxSmallSize)
        {
            sizes.Add(size);
            var power = 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)size));
            size += Math.Max(Alignment, power / 4);
        }

        sizes.Add(maxSmallSize);
        BlockSizes = sizes.ToArray();
        var unit = 1 << pageShift;
        PageSpans = new int[BlockSizes.Length];
        BlocksPerPage = new int[BlockSizes.Length];
        Multipliers = new ulong[BlockSizes.Length];
        for (var c = 0; c < BlockSizes.Length; c++)
        {
            var span = 1;
            while (span * unit / BlockSizes[c] < 8)
            {
                span++;
            }

            PageSpans[c] = span;
            BlocksPerPage[c] = span * unit / BlockSizes[c];
            Multipliers[c] = ((1UL << 32) + (ulong)BlockSizes[c] - 1) / (ulong)BlockSizes[c];
        }

        ClassOf = new byte[(maxSmallSize / Alignment) + 1];
        var cls = 0;
        for (var step = 0; step < ClassOf.Length; step++)
        {
            while (BlockSizes[cls] < step * Alignment)
            {
                cls++;
            }

            ClassOf[step] = (byte)cls;
        }

        _ = segmentShift;
    }

    public int[] BlockSizes { get; }

    public int[] PageSpans { get; }

    public int[] BlocksPerPage { get; }

    public ulong[] Multipliers { get; }

    public byte[] ClassOf { get; }
}

/// <summary>A spec built from <typeparamref name="TParameters"/>; NativeMemory backend and no checks unless the parameters say otherwise.</summary>
public readonly struct TestSpec<TParameters> : IHeapSpec
    where TParameters : ISpecParameters
{
    private static readonly SpecTables Tables = new(TParameters.MaxSmallSize, TParameters.PageShift, TParameters.SegmentShift);

    public static string Name => "TestSpec<" + typeof(TParameters).Name + ">";

    public static int SizeClassCount => Tables.BlockSizes.Length;

    public static int MaxSmallSize => TParameters.MaxSmallSize;

    public static int Alignment => SpecTables.Alignment;

    public static int PageShift => TParameters.PageShift;

    public static int SegmentShift => TParameters.SegmentShift;

    public static int BlockIndexShift => 32;

    public static bool ThreadSafe => TParameters.ThreadSafe;

    public static HeapBackend Backend => TParameters.Backend;

    public static HeapChecks Checks => TParameters.Checks;

    public static int PurgeDelayMs => TParameters.PurgeDelayMs;

    public static int SizeClassOf(nuint size) => Tables.ClassOf[(int)((size + SpecTables.Alignment - 1) / SpecTables.Alignment)];

    public static int BlockSize(int sizeClass) => Tables.BlockSizes[sizeClass];

    public static int PageSpan(int sizeClass) => Tables.PageSpans[sizeClass];

    public static int BlocksPerPage(int sizeClass) => Tables.BlocksPerPage[sizeClass];

    public static ulong BlockIndexMultiplier(int sizeClass) => Tables.Multipliers[sizeClass];
}

/// <summary>Defaults of the API: 16 KiB small sizes, 64 KiB pages, 4 MiB segments, thread safe.</summary>
public abstract class DefaultParameters : ISpecParameters
{
    public static int MaxSmallSize => 16384;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => 10;
}

// One parameter set per test class that looks at a static heap's statistics.
public sealed class SizeClassSpecParameters : DefaultParameters;

public sealed class ModelSpecParameters : DefaultParameters;

public sealed class StressSpecParameters : DefaultParameters;

public sealed class ChurnSpecParameters : DefaultParameters;

public sealed class OomSpecParameters : DefaultParameters;

public sealed class ZeroAllocSpecParameters : DefaultParameters;

public sealed class StatsSpecParameters : DefaultParameters;

public sealed class ArenaSpecParameters : DefaultParameters;

public sealed class TrimSpecParameters : DefaultParameters;

public sealed class FinalizerSpecParameters : DefaultParameters;

public sealed class FastPathSpecParameters : DefaultParameters;

/// <summary>Small pages (4 KiB units, 1 MiB segments), so the header spans several units and runs are many.</summary>
public sealed class FineSpecParameters : ISpecParameters
{
    public static int MaxSmallSize => 2048;

    public static int PageShift => 12;

    public static int SegmentShift => 20;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => 0;
}

/// <summary>Immediate purging, so pages going back to the core show in BytesPurged at once.</summary>
public sealed class RescueSpecParameters : ISpecParameters
{
    public static int MaxSmallSize => 16384;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => 0;
}

/// <summary>A heap for single-threaded use: no thread heaps, no atomics.</summary>
public sealed class SingleThreadSpecParameters : ISpecParameters
{
    public static int MaxSmallSize => 8192;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => false;

    public static int PurgeDelayMs => -1;
}

/// <summary>The default geometry on the mmap backend.</summary>
public sealed class MmapSpecParameters : MmapParameters;

/// <summary>The default geometry on the mmap backend, for specs that need their own static heap.</summary>
public abstract class MmapParameters : ISpecParameters
{
    public static int MaxSmallSize => 16384;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => 10;

    public static HeapBackend Backend => HeapBackend.Mmap;
}

/// <summary>The default geometry on the brk backend.</summary>
public sealed class BrkSpecParameters : ISpecParameters
{
    public static int MaxSmallSize => 16384;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => 10;

    public static HeapBackend Backend => HeapBackend.Brk;
}

/// <summary>The default geometry with the double-free check ending the process (FailFast).</summary>
public sealed class FailFastSpecParameters : ISpecParameters
{
    public static int MaxSmallSize => 16384;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => 10;

    public static HeapChecks Checks => HeapChecks.DoubleFree | HeapChecks.FailFast;
}

/// <summary>The default geometry with every run-time check on.</summary>
public sealed class CheckedSpecParameters : ISpecParameters
{
    public static int MaxSmallSize => 16384;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => 10;

    public static HeapChecks Checks => HeapChecks.All;
}

/// <summary>Trim from another thread (its own static heap, on mmap so residency can be asked of the kernel).</summary>
public sealed class TrimThreadsSpecParameters : ISpecParameters
{
    public static int MaxSmallSize => 16384;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => -1;

    public static HeapBackend Backend => HeapBackend.Mmap;
}

/// <summary>Trim racing live owners (its own static heap).</summary>
public sealed class TrimRaceSpecParameters : DefaultParameters;

/// <summary>Thread-safe arenas with per-thread heaps, on mmap so Dispose can be asked of the kernel.</summary>
public sealed class ArenaThreadsSpecParameters : MmapParameters;

/// <summary>In-page purging (mmap: the NativeMemory backend cannot give memory back, so it is not done there).</summary>
public sealed class PagePurgeSpecParameters : MmapParameters;

/// <summary>The default geometry, hardened (encoded free-list links, freed-block keys), on mmap.</summary>
public sealed class HardenedSpecParameters : MmapParameters, ISpecParameters
{
    public static HeapChecks Checks => HeapChecks.Hardened;
}

/// <summary>Memory-limit tests: never purge on a timer, so what the limit counts changes only when the test acts.</summary>
public sealed class LimitSpecParameters : ISpecParameters
{
    public static int MaxSmallSize => 16384;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static bool ThreadSafe => true;

    public static int PurgeDelayMs => -1;
}

/// <summary>The default geometry with canaries only, on mmap.</summary>
public sealed class CanarySpecParameters : MmapParameters, ISpecParameters
{
    public static HeapChecks Checks => HeapChecks.Canary;
}

/// <summary>The security suite's heap with every check (its own static heap), on mmap.</summary>
public sealed class SecurityAllSpecParameters : MmapParameters, ISpecParameters
{
    public static HeapChecks Checks => HeapChecks.All;
}

/// <summary>The security suite's hardened heap (its own static heap), on mmap.</summary>
public sealed class SecurityHardenedSpecParameters : MmapParameters, ISpecParameters
{
    public static HeapChecks Checks => HeapChecks.Hardened;
}

public sealed class ClassStatsSpecParameters : DefaultParameters;

public sealed class MetricsSpecParameters : DefaultParameters;

/// <summary>Validate and VisitBlocks (arenas of the default geometry, on mmap).</summary>
public sealed class ValidateSpecParameters : MmapParameters;

/// <summary>Allocation sites tracked (HeapChecks.Leaks), on mmap.</summary>
public sealed class LeakSpecParameters : MmapParameters, ISpecParameters
{
    public static HeapChecks Checks => HeapChecks.Leaks;
}

/// <summary>Allocation sites tracked, for the report at an arena's Dispose (its own report writer).</summary>
public sealed class LeakDisposeSpecParameters : MmapParameters, ISpecParameters
{
    public static HeapChecks Checks => HeapChecks.Leaks | HeapChecks.Canary;
}

public sealed class MemorySpecParameters : DefaultParameters;

/// <summary>Allocation sites of sampled blocks (HeapChecks.LeakSamples), on mmap.</summary>
public sealed class LeakSampleSpecParameters : MmapParameters, ISpecParameters
{
    public static HeapChecks Checks => HeapChecks.LeakSamples;
}
