using System;

namespace Heapsmith;

/// <summary>
/// Declares a heap. The Heapsmith source generator turns a <c>partial class</c> carrying this
/// attribute into a specialised allocator: members are static for a <c>static partial class</c>
/// (one process-wide heap) and instance members for a non-static one (an arena, released whole by
/// <c>Dispose()</c>). An invalid configuration is a compile error (<c>HEAP1xx</c>) at the argument.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class HeapConfigAttribute : Attribute
{
    /// <summary>The defaults; the generator's copies are checked against these by a test.</summary>
    public const int DefaultMinBlockSize = 16;
    /// <summary>Default for <see cref="MaxSmallSize"/>.</summary>
    public const int DefaultMaxSmallSize = 16384;
    /// <summary>Default for <see cref="ClassesPerDoubling"/>: jemalloc's spacing.</summary>
    public const int DefaultClassesPerDoubling = 4;
    /// <summary>Default for <see cref="Alignment"/>.</summary>
    public const int DefaultAlignment = 16;
    /// <summary>Default for <see cref="PageSize"/>: 64 KiB.</summary>
    public const int DefaultPageSize = 65536;
    /// <summary>Default for <see cref="SegmentSize"/>: 4 MiB.</summary>
    public const int DefaultSegmentSize = 4 * 1024 * 1024;
    /// <summary>Default for <see cref="PurgeDelayMs"/>.</summary>
    public const int DefaultPurgeDelayMs = 10;

    /// <summary>Smallest size class; a power of two, at least 8.</summary>
    public int MinBlockSize { get; set; } = DefaultMinBlockSize;

    /// <summary>Largest size served from pages of one size class; above it, the large path.</summary>
    public int MaxSmallSize { get; set; } = DefaultMaxSmallSize;

    /// <summary>Size classes between consecutive powers of two (1 = powers of two only).</summary>
    public int ClassesPerDoubling { get; set; } = DefaultClassesPerDoubling;

    /// <summary>Explicit ascending list of small size classes; overrides <see cref="MinBlockSize"/>,
    /// <see cref="ClassesPerDoubling"/> and <see cref="MaxSmallSize"/>.</summary>
    public int[]? SizeClasses { get; set; }

    /// <summary>Minimum alignment of every block; a power of two.</summary>
    public int Alignment { get; set; } = DefaultAlignment;

    /// <summary>Page size for small size classes; a power of two and a multiple of the OS page.</summary>
    public int PageSize { get; set; } = DefaultPageSize;

    /// <summary>Size of the aligned regions reserved from the OS; a power of two.</summary>
    public int SegmentSize { get; set; } = DefaultSegmentSize;

    /// <summary><c>false</c>: no atomics and no thread caches, for single-threaded use.</summary>
    public bool ThreadSafe { get; set; } = true;

    /// <summary>Where the heap gets its address space from.</summary>
    public HeapBackend Backend { get; set; } = HeapBackend.Mmap;

    /// <summary>Run-time misuse checks.</summary>
    public HeapChecks Checks { get; set; } = HeapChecks.None;

    /// <summary>Delay before freed pages go back to the OS: 0 at once, -1 never.</summary>
    public int PurgeDelayMs { get; set; } = DefaultPurgeDelayMs;

    /// <summary>
    /// Cap on the heap's committed memory in bytes (see <c>docs/API.md</c>); 0, the default, is no cap.
    /// Past it allocations fail (<c>TryAlloc</c> returns null, the others throw). At least one
    /// <see cref="SegmentSize"/>; a heap can change it at run time with <c>SetMemoryLimit</c>.
    /// </summary>
    public long MemoryLimit { get; set; }
}
