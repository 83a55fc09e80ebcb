using Heapsmith;

namespace QuickStart;

// The heaps of the tour. Each policy is fixed here, at compile time; the generator turns each
// declaration into a specialised allocator (open the generated file with Go To Definition).

/// <summary>A process-wide heap on mmap/madvise (the default backend).</summary>
[HeapConfig(MaxSmallSize = 8192, ClassesPerDoubling = 4)]
internal static unsafe partial class GameHeap
{
}

/// <summary>The same policy on the program break: grows with sbrk, as glibc's main arena does.</summary>
[HeapConfig(MaxSmallSize = 8192, ClassesPerDoubling = 4, Backend = HeapBackend.Brk)]
internal static unsafe partial class BrkHeap
{
}

/// <summary>The same policy on memory from the C runtime: portable everywhere.</summary>
[HeapConfig(MaxSmallSize = 8192, ClassesPerDoubling = 4, Backend = HeapBackend.NativeMemory)]
internal static unsafe partial class PortableHeap
{
}

/// <summary>An arena: <c>new</c> it, allocate, and <c>Dispose()</c> gives everything back at once.</summary>
[HeapConfig(ThreadSafe = false)]
internal sealed unsafe partial class FrameArena
{
}

/// <summary>
/// The members the working-set tour uses, taken from one static heap as function pointers, so one
/// tour serves every backend (static classes cannot be type arguments).
/// </summary>
internal readonly unsafe struct TourHeap
{
    public TourHeap(string name, delegate*<nuint, void*> alloc, delegate*<void*, void> free, delegate*<HeapStats> getStats, delegate*<void> trim)
    {
        Name = name;
        Alloc = alloc;
        Free = free;
        GetStats = getStats;
        Trim = trim;
    }

    public string Name { get; }

    public delegate*<nuint, void*> Alloc { get; }

    public delegate*<void*, void> Free { get; }

    public delegate*<HeapStats> GetStats { get; }

    public delegate*<void> Trim { get; }

    /// <summary>The heap of a <c>--backend</c> name, or null for an unknown name.</summary>
    public static TourHeap? For(string backend) => backend switch
    {
        "mmap" => new TourHeap("GameHeap (mmap/madvise)", &GameHeap.Alloc, &GameHeap.Free, &GameHeap.GetStats, &GameHeap.Trim),
        "brk" => new TourHeap("BrkHeap (sbrk)", &BrkHeap.Alloc, &BrkHeap.Free, &BrkHeap.GetStats, &BrkHeap.Trim),
        "nativememory" => new TourHeap("PortableHeap (NativeMemory)", &PortableHeap.Alloc, &PortableHeap.Free, &PortableHeap.GetStats, &PortableHeap.Trim),
        "glibc" => new TourHeap("glibc malloc, for comparison (no statistics; Trim is malloc_trim)", &GlibcMalloc.Alloc, &GlibcMalloc.Free, &GlibcMalloc.GetStats, &GlibcMalloc.Trim),
        _ => null,
    };
}

/// <summary>glibc's malloc through <see cref="System.Runtime.InteropServices.NativeMemory"/>, to compare system calls with.</summary>
internal static unsafe partial class GlibcMalloc
{
    public static void* Alloc(nuint size) => System.Runtime.InteropServices.NativeMemory.Alloc(size);

    public static void Free(void* ptr) => System.Runtime.InteropServices.NativeMemory.Free(ptr);

    public static HeapStats GetStats() => default;

    public static void Trim() => MallocTrim(0);

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
