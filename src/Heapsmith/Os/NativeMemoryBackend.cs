using System;
using System.Runtime.InteropServices;

namespace Heapsmith.Os;

/// <summary>
/// Regions from the C runtime's <see cref="NativeMemory.AlignedAlloc"/>: portable everywhere, no
/// control over physical memory. Purge cannot return pages through this API, so it only clears
/// the range (keeping the "reads as zero" invariant); <c>Trim</c> gives memory back by releasing
/// whole regions.
/// </summary>
/// <remarks>
/// <see cref="NativeMemory.AlignedAlloc"/> throws on refusal and returns a block for size 0; the
/// backend contract wants null for both, so an empty request is refused here and the exception is
/// turned into null (a slow path that runs only when the C runtime is out of memory).
/// </remarks>
internal readonly unsafe struct NativeMemoryBackend : IOsBackend
{
    public static bool IsSupported => true;

    public static void* Reserve(nuint size, nuint alignment)
    {
        if (size == 0)
        {
            return null;
        }

        void* p;
        try
        {
            p = NativeMemory.AlignedAlloc(size, alignment);
        }
        catch (OutOfMemoryException)
        {
            return null;
        }

        NativeMemory.Clear(p, size);
        return p;
    }

    public static bool Commit(void* address, nuint size) => true;

    public static void Purge(void* address, nuint size) => NativeMemory.Clear(address, size);

    public static void Release(void* address, nuint size) => NativeMemory.AlignedFree(address);
}
