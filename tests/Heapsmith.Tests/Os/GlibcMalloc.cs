using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Heapsmith.Tests.Os;

/// <summary>glibc calls the brk tests need beside <see cref="NativeMemory"/> (which is glibc's malloc on Linux).</summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class GlibcMalloc
{
    /// <summary>Bytes of a glibc chunk below the pointer malloc returns (the size word and the previous size).</summary>
    public const nuint ChunkHeader = 16;

    [LibraryImport("libc", EntryPoint = "malloc_usable_size")]
    public static partial nuint UsableSize(void* block);

    /// <summary>Free bytes glibc holds in its arenas (mallinfo2's fordblks: bins and tops, every arena).</summary>
    public static nuint FreeBytes() => MallInfo2().FreeBytes;

    [LibraryImport("libc", EntryPoint = "mallinfo2")]
    private static partial MallocInfo MallInfo2();

    /// <summary>glibc's struct mallinfo2: ten size_t fields.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallocInfo
    {
        public nuint Arena, OrdBlks, SmBlks, HBlks, HBlkHd, UsmBlks, FsmBlks, UordBlks, FreeBytes, KeepCost;
    }

    /// <summary>The current break, read through glibc's own sbrk(0).</summary>
    public static nuint Break => (nuint)Heapsmith.Os.Libc.Sbrk(0);
}
