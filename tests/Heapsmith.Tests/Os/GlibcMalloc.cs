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

    /// <summary>The current break, read through glibc's own sbrk(0).</summary>
    public static nuint Break => (nuint)Heapsmith.Os.Libc.Sbrk(0);
}
