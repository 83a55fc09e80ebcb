namespace Heapsmith;

/// <summary>Where a heap gets its address space from.</summary>
public enum HeapBackend
{
    /// <summary>
    /// <c>mmap</c>/<c>munmap</c>, with <c>madvise</c> to purge (Linux, macOS);
    /// <c>VirtualAlloc</c>/<c>VirtualFree</c> on Windows. The default.
    /// </summary>
    Mmap = 0,

    /// <summary>Grows the program break with <c>sbrk</c>, as glibc's main arena does. Linux only.</summary>
    Brk = 1,

    /// <summary>Segments from <see cref="System.Runtime.InteropServices.NativeMemory.AlignedAlloc"/>: portable everywhere.</summary>
    NativeMemory = 2,
}
