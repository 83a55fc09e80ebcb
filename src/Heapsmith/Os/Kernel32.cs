using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Heapsmith.Os;

/// <summary>
/// The Windows virtual-memory calls of the mmap backend. Compiled on every OS, called only behind
/// <c>OperatingSystem.IsWindows()</c>; never run in this project's CI (Linux).
/// </summary>
[SupportedOSPlatform("windows")]
internal static unsafe partial class Kernel32
{
    private const string LibraryName = "kernel32";

    public const uint MemCommit = 0x00001000;
    public const uint MemReserve = 0x00002000;
    public const uint MemDecommit = 0x00004000;
    public const uint MemRelease = 0x00008000;
    public const uint PageReadWrite = 0x04;

    /// <summary>Windows reserves address space in multiples of this granularity (64 KiB on every Windows).</summary>
    public const nuint AllocationGranularity = 64 * 1024;

    [LibraryImport(LibraryName, EntryPoint = "VirtualAlloc", SetLastError = true)]
    public static partial void* VirtualAlloc(void* address, nuint size, uint allocationType, uint protection);

    /// <summary>Returns nonzero on success (a Win32 BOOL, kept as int so the signature stays blittable).</summary>
    [LibraryImport(LibraryName, EntryPoint = "VirtualFree", SetLastError = true)]
    public static partial int VirtualFree(void* address, nuint size, uint freeType);
}
