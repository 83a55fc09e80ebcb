using System;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Heapsmith.Os;

/// <summary>
/// The C library calls of the OS layer on Unix (Linux, macOS), with the flag values of each OS.
/// Source-generated interop over blittable signatures: no marshalling stub work beyond the call.
/// </summary>
/// <remarks>
/// The library name <c>"libc"</c> is mapped by the .NET host to <c>libc.so.6</c> on glibc Linux and
/// to <c>libc.dylib</c> (libSystem) on macOS. Every constant whose value differs between the two is
/// a property that folds to a constant after inlining, because <c>OperatingSystem.IsMacOS()</c> is
/// itself a JIT-time constant.
/// </remarks>
[UnsupportedOSPlatform("windows")]
internal static unsafe partial class Libc
{
    private const string LibraryName = "libc";

    /// <summary><c>MAP_FAILED</c> from mmap and <c>(void*)-1</c> from sbrk: the same bit pattern.</summary>
    public static readonly void* Failed = (void*)-1;

    public const int ProtRead = 0x1;
    public const int ProtWrite = 0x2;
    public const int MapPrivate = 0x02;
    public const int MapFixed = 0x10;

    /// <summary><c>MAP_ANONYMOUS</c>: 0x20 on Linux, <c>MAP_ANON</c> 0x1000 on macOS.</summary>
    public static int MapAnonymous => OperatingSystem.IsMacOS() ? 0x1000 : 0x20;

    /// <summary>
    /// <c>MAP_NORESERVE</c> (Linux 0x4000): no commit charge for the mapping, so a reservation larger
    /// than free RAM + swap is not refused by the heuristic overcommit check (strict overcommit mode 2
    /// ignores the flag and still accounts). macOS has no such accounting: 0.
    /// </summary>
    public static int MapNoReserve => OperatingSystem.IsMacOS() ? 0 : 0x4000;

    /// <summary>
    /// <c>MADV_DONTNEED</c>: 4 on both. On Linux it frees the pages of a private anonymous mapping at
    /// once and the next touch maps a zero page. On macOS it is only a hint that keeps contents.
    /// </summary>
    public const int MadvDontNeed = 4;

    /// <summary>
    /// <c>MADV_FREE</c>: 8 on Linux (4.5+), 5 on macOS. Pages are reclaimed lazily, under memory
    /// pressure only, and keep their old contents until then: not zeroing, so not used for purge.
    /// </summary>
    public static int MadvFree => OperatingSystem.IsMacOS() ? 5 : 8;

    /// <summary><c>ENOMEM</c> (12 on both): mincore's answer for a range with an unmapped page.</summary>
    public const int ENoMem = 12;

    [LibraryImport(LibraryName, EntryPoint = "mmap", SetLastError = true)]
    public static partial void* Mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport(LibraryName, EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(void* address, nuint length);

    [LibraryImport(LibraryName, EntryPoint = "madvise", SetLastError = true)]
    public static partial int Madvise(void* address, nuint length, int advice);

    /// <summary>One byte per page of the range into <paramref name="vector"/>; bit 0 set = resident.</summary>
    [LibraryImport(LibraryName, EntryPoint = "mincore", SetLastError = true)]
    public static partial int Mincore(void* address, nuint length, byte* vector);

    /// <summary>
    /// glibc's <c>sbrk</c>: moves the break by <paramref name="increment"/> and returns the old
    /// break, or <see cref="Failed"/>. Must be glibc's and not the raw <c>brk</c> system call, so
    /// that glibc's cached break (<c>__curbrk</c>), which its malloc reads, stays true.
    /// </summary>
    [LibraryImport(LibraryName, EntryPoint = "sbrk", SetLastError = true)]
    public static partial void* Sbrk(nint increment);
}
