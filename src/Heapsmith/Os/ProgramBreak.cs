using System.Runtime.Versioning;

namespace Heapsmith.Os;

/// <summary>
/// The program break as the brk backend sees it: one call, <c>sbrk</c>, that moves the break by
/// an increment and returns the old break (or <see cref="Libc.Failed"/> on refusal). An interface
/// so that the backend's logic (<see cref="BreakRegions{TBreak}"/>) can be tested against a break
/// that another user moves at chosen moments, not only against the real one.
/// </summary>
internal unsafe interface IProgramBreak
{
    /// <summary>Moves the break by <paramref name="increment"/>; returns the old break, or <c>(void*)-1</c>.</summary>
    static abstract void* Sbrk(nint increment);

    /// <summary>Drops the pages of a released region that stays below the break; it then reads as zero.</summary>
    static abstract void Purge(void* address, nuint size);
}

/// <summary>
/// The process's real break through glibc's <c>sbrk</c>, which keeps glibc's cached break in step
/// (glibc's malloc reads it before every extension of its main arena).
/// </summary>
[SupportedOSPlatform("linux")]
internal readonly unsafe struct GlibcProgramBreak : IProgramBreak
{
    public static void* Sbrk(nint increment) => Libc.Sbrk(increment);

    /// <summary><c>madvise(MADV_DONTNEED)</c>: break memory is private anonymous memory like any mapping.</summary>
    public static void Purge(void* address, nuint size) => OsPages.Purge(address, size, &DropPages);

    private static bool DropPages(void* address, nuint size) => Libc.Madvise(address, size, Libc.MadvDontNeed) == 0;
}
