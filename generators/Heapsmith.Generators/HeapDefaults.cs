namespace Heapsmith.Generators;

/// <summary>
/// The defaults of <c>HeapConfigAttribute</c>. The generator cannot reference the runtime (it
/// targets netstandard2.0), so they are repeated here; a test compares the two.
/// </summary>
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

    /// <summary>The OS page assumed for large blocks and the page-size lower bound.</summary>
    public const int OsPageSize = 4096;

    /// <summary>Size classes are indexed by a byte.</summary>
    public const int MaxSizeClassCount = 255;
}
