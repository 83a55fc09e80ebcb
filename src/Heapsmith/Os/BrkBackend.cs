using System;

namespace Heapsmith.Os;

/// <summary>
/// Regions from the program break, grown with glibc's <c>sbrk</c> as glibc's main arena grows
/// (Linux only). The logic, and how it stays out of memory other users of the break own, is in
/// <see cref="BreakRegions{TBreak}"/>; this type binds it to the real break.
/// </summary>
/// <remarks>
/// Purge is <c>madvise(MADV_DONTNEED)</c> as in the mmap backend (break memory is private
/// anonymous memory); Commit is free. A refused <c>sbrk</c> (the break cannot grow: the data-size
/// limit <c>RLIMIT_DATA</c>, a mapping in the way, or a C library such as musl that refuses
/// <c>sbrk</c>) is a null reservation, never a fault.
/// </remarks>
internal readonly unsafe struct BrkBackend : IOsBackend
{
    public static bool IsSupported => OperatingSystem.IsLinux();

    public static void* Reserve(nuint size, nuint alignment) =>
        OperatingSystem.IsLinux() ? BreakRegions<GlibcProgramBreak>.Reserve(size, alignment) : null;

    public static bool Commit(void* address, nuint size) => true;

    public static void Purge(void* address, nuint size)
    {
        if (OperatingSystem.IsLinux())
        {
            GlibcProgramBreak.Purge(address, size);
        }
    }

    public static void Release(void* address, nuint size)
    {
        if (OperatingSystem.IsLinux())
        {
            BreakRegions<GlibcProgramBreak>.Release(address, size);
        }
    }
}
