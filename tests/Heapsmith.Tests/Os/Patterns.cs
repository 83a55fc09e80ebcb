using System;

namespace Heapsmith.Tests.Os;

/// <summary>
/// Test helpers over raw memory: fill a range with a pattern that depends on the address and a
/// key (so two regions, or a region and a glibc block, never carry the same bytes), check it, and
/// check that a range reads as zero.
/// </summary>
internal static unsafe class Patterns
{
    public static void Fill(void* address, nuint size, ulong key)
    {
        var words = (ulong*)address;
        for (nuint i = 0; i < size / sizeof(ulong); i++)
        {
            words[i] = Word(words + i, key);
        }
    }

    /// <summary>The offset of the first word that does not hold the pattern, or -1.</summary>
    public static long FirstMismatch(void* address, nuint size, ulong key)
    {
        var words = (ulong*)address;
        for (nuint i = 0; i < size / sizeof(ulong); i++)
        {
            if (words[i] != Word(words + i, key))
            {
                return (long)(i * sizeof(ulong));
            }
        }

        return -1;
    }

    /// <summary>The offset of the first nonzero byte, or -1.</summary>
    public static long FirstNonZero(void* address, nuint size)
    {
        long offset = 0;
        while ((nuint)offset < size)
        {
            var length = (int)Math.Min(size - (nuint)offset, int.MaxValue);
            var found = new ReadOnlySpan<byte>((byte*)address + offset, length).IndexOfAnyExcept((byte)0);
            if (found >= 0)
            {
                return offset + found;
            }

            offset += length;
        }

        return -1;
    }

    private static ulong Word(ulong* at, ulong key) => ((ulong)at * 0x9E3779B97F4A7C15UL) ^ key;
}
