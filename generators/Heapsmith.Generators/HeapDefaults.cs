// The defaults and limits of HeapConfigAttribute. The generator cannot reference the runtime (it
// targets netstandard2.0), so the defaults are repeated here; a test compares the two.
namespace Heapsmith.Generators;

/// <summary>Defaults and accepted ranges of the <c>[HeapConfig]</c> properties.</summary>
internal static class HeapDefaults
{
    public const string AttributeMetadataName = "Heapsmith.HeapConfigAttribute";
    public const int MinBlockSize = 16;
    public const int MaxSmallSize = 16384;
    public const int ClassesPerDoubling = 4;
    public const int Alignment = 16;
    public const int PageSize = 65536;
    public const int SegmentSize = 4 * 1024 * 1024;
    public const int PurgeDelayMs = 10;

    /// <summary>The OS page: the smallest page size.</summary>
    public const int OsPageSize = 4096;

    /// <summary>Size classes are indexed by a byte.</summary>
    public const int MaxSizeClassCount = 255;

    public const int MinMinBlockSize = 8;
    public const int MaxMinBlockSize = 4096;
    public const int MinAlignment = 8;
    public const int MaxAlignment = 4096;
    public const int MaxPageSize = 1 << 26;
    public const int MinSegmentSize = 1 << 16;
    public const int MaxSegmentSize = 1 << 30;
    public const int MaxClassesPerDoubling = 16;

    /// <summary>An explicit list's lookup table has one byte per alignment step; this caps it.</summary>
    public const int MaxLookupTableEntries = 65536;

    /// <summary>A segment with fewer page units spends more than 1/8 of itself on its header unit.</summary>
    public const int MinPageUnitsPerSegment = 8;

    /// <summary>Values of HeapBackend.</summary>
    public const int BackendMmap = 0;
    public const int BackendBrk = 1;
    public const int BackendNativeMemory = 2;

    /// <summary>HeapChecks.All: the four debugging checks and Hardened (32).</summary>
    public const int AllChecks = 15 | 32;

    /// <summary>Every HeapChecks flag: the checks, FailFast, Leaks and LeakSamples.</summary>
    public const int ValidChecks = AllChecks | 16 | 64 | 128;
}
