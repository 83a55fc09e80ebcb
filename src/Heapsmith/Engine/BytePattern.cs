using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Heapsmith.Engine;

// Fills and checks runs of one byte value: the junk and canary patterns of HeapCheck. Inlined into
// the fast paths, so a run of up to 64 bytes (a canary, the junk of a small block) costs a few
// possibly overlapping stores or loads and no call; a longer run goes to the runtime's memset and
// vectorised search. Overlapping is safe because every byte written or compared is inside
// [start, start + length): the first and last 8, 16 or 32 bytes of a run cover all of it.

/// <summary>Fills and checks runs of one byte value, inline for short runs.</summary>
internal static unsafe class BytePattern
{
    /// <summary>Longest run handled inline.</summary>
    private const int InlineMax = 64;

    /// <summary>Writes <paramref name="value"/> to the <paramref name="length"/> bytes at <paramref name="start"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Fill(byte* start, nuint length, byte value)
    {
        if (length > InlineMax)
        {
            NativeMemory.Fill(start, length, value);
        }
        else if (length >= 16)
        {
            var pattern = Vector128.Create(value);
            pattern.Store(start);
            pattern.Store(start + length - 16);
            if (length > 32)
            {
                pattern.Store(start + 16);
                pattern.Store(start + length - 32);
            }
        }
        else if (length >= 8)
        {
            var word = 0x0101010101010101UL * value;
            Unsafe.WriteUnaligned(start, word);
            Unsafe.WriteUnaligned(start + length - 8, word);
        }
        else if (length >= 4)
        {
            var word = 0x01010101U * value;
            Unsafe.WriteUnaligned(start, word);
            Unsafe.WriteUnaligned(start + length - 4, word);
        }
        else if (length != 0)
        {
            start[0] = value;
            start[length / 2] = value;
            start[length - 1] = value;
        }
    }

    /// <summary>Whether every one of the <paramref name="length"/> bytes at <paramref name="start"/> is <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsFilled(byte* start, nuint length, byte value)
    {
        if (length > InlineMax)
        {
            return new ReadOnlySpan<byte>(start, (int)length).IndexOfAnyExcept(value) < 0;
        }

        if (length >= 16)
        {
            var pattern = Vector128.Create(value);
            var same = Vector128.Load(start) == pattern && Vector128.Load(start + length - 16) == pattern;
            return length > 32
                ? same && Vector128.Load(start + 16) == pattern && Vector128.Load(start + length - 32) == pattern
                : same;
        }

        if (length >= 8)
        {
            var word = 0x0101010101010101UL * value;
            return Unsafe.ReadUnaligned<ulong>(start) == word && Unsafe.ReadUnaligned<ulong>(start + length - 8) == word;
        }

        if (length >= 4)
        {
            var word = 0x01010101U * value;
            return Unsafe.ReadUnaligned<uint>(start) == word && Unsafe.ReadUnaligned<uint>(start + length - 4) == word;
        }

        return length == 0 || (start[0] == value && start[length / 2] == value && start[length - 1] == value);
    }
}
