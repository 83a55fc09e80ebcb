using System;
using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>
/// A program break over a private mapping, for testing <see cref="BreakRegions{TBreak}"/> against
/// another user of the break that moves it at chosen moments (between any two of its sbrk calls).
/// Like the kernel, it refuses to grow past its limit or shrink below its base, and pages above a
/// shrunk break read as zero when the break grows over them again.
/// </summary>
internal readonly unsafe struct SimulatedBreak : IProgramBreak
{
    public const nuint Capacity = 256 * 1024 * 1024;

    private static nuint s_base;
    private static nuint s_break;

    /// <summary>Runs before every sbrk call of the code under test, with the call's increment.</summary>
    public static Action<nint>? BeforeSbrk { get; set; }

    public static nuint Base => s_base;

    public static nuint Current => s_break;

    public static nuint Limit => s_base + Capacity;

    /// <summary>Maps the space once; puts the break at base + <paramref name="offset"/> (any byte: breaks need not be aligned).</summary>
    public static void Reset(nuint offset)
    {
        if (s_base == 0)
        {
            s_base = (nuint)MmapBackend.Reserve(Capacity, 64 * 1024 * 1024);
            Assert.True(s_base != 0);
        }

        MmapBackend.Purge((void*)s_base, Capacity);
        s_break = s_base + offset;
        BeforeSbrk = null;
        BreakRegions<SimulatedBreak>.ForgetHolesForTests();
    }

    public static void* Sbrk(nint increment)
    {
        BeforeSbrk?.Invoke(increment);
        return Move(increment);
    }

    public static void Purge(void* address, nuint size) => MmapBackend.Purge(address, size);

    /// <summary>The other user's sbrk: moves the break without running the hook.</summary>
    public static void* Move(nint increment)
    {
        var old = s_break;
        var target = (nuint)((nint)old + increment);
        if (target < s_base || target > Limit)
        {
            return (void*)-1;
        }

        if (target < old)
        {
            // The kernel unmaps whole pages above the new break; they come back zeroed.
            var firstWhole = OsPages.AlignUp(target, OsPages.Size);
            if (old > firstWhole)
            {
                MmapBackend.Purge((void*)firstWhole, OsPages.AlignUp(old, OsPages.Size) - firstWhole);
            }
        }

        s_break = target;
        return (void*)old;
    }
}
