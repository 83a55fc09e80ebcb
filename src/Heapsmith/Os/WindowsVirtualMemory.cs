using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace Heapsmith.Os;

/// <summary>
/// The Windows half of the mmap backend: <c>VirtualAlloc</c> reserves and commits, purge decommits
/// (<c>MEM_DECOMMIT</c>, the pages read as zero after the next commit), release frees the whole
/// reservation. Compiled everywhere, run only on Windows, and not run in this project's CI.
/// </summary>
/// <remarks>
/// Windows cannot free part of a reservation, so the mmap trick of trimming an over-reservation
/// does not work. An alignment above the 64 KiB allocation granularity is had by reserving
/// <c>size + alignment</c>, freeing it, and reserving again exactly at the aligned address inside
/// it; another thread may take that address in between, so the sequence is retried a few times.
/// </remarks>
[SupportedOSPlatform("windows")]
internal static unsafe class WindowsVirtualMemory
{
    /// <summary>Attempts of the free-and-re-reserve sequence before reporting refusal.</summary>
    private const int AlignedReserveAttempts = 8;

    public static void* Reserve(nuint size, nuint alignment)
    {
        if (!OsPages.TryRoundToPages(size, out size))
        {
            return null;
        }

        const uint reserveAndCommit = Kernel32.MemReserve | Kernel32.MemCommit;
        if (alignment <= Kernel32.AllocationGranularity)
        {
            return Kernel32.VirtualAlloc(null, size, reserveAndCommit, Kernel32.PageReadWrite);
        }

        var span = size + alignment;
        if (span < size)
        {
            return null;
        }

        for (var attempt = 0; attempt < AlignedReserveAttempts; attempt++)
        {
            var probe = Kernel32.VirtualAlloc(null, span, Kernel32.MemReserve, Kernel32.PageReadWrite);
            if (probe == null)
            {
                return null;
            }

            var aligned = (void*)OsPages.AlignUp((nuint)probe, alignment);
            Kernel32.VirtualFree(probe, 0, Kernel32.MemRelease);
            var p = Kernel32.VirtualAlloc(aligned, size, reserveAndCommit, Kernel32.PageReadWrite);
            if (p != null)
            {
                return p;
            }
        }

        return null;
    }

    public static bool Commit(void* address, nuint size) =>
        Kernel32.VirtualAlloc(address, size, Kernel32.MemCommit, Kernel32.PageReadWrite) != null;

    /// <summary>Decommits; if Windows refuses, clears instead, so the range reads as zero either way.</summary>
    public static void Decommit(void* address, nuint size)
    {
        if (Kernel32.VirtualFree(address, size, Kernel32.MemDecommit) == 0)
        {
            NativeMemory.Clear(address, size);
        }
    }

    public static void Release(void* address) =>
        Kernel32.VirtualFree(address, 0, Kernel32.MemRelease);
}
