using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Heapsmith.Engine;

// Fills and checks runs of one byte value: the junk and canary patterns of HeapCheck. Inlined into
// the fast paths, so a run of up to 64 bytes (a canary, the junk of a small block) costs a few
// stores or loads and no call; a longer run goes to the runtime's memset and vectorised search.
// Every byte written or compared is inside [start, start + length): a short run is covered by a
// few pieces from both of its ends, which may overlap one another.
//
// Between 16 and 32 bytes the second piece is made of words, not a second 16-byte vector: when a
// block is freed right after it was allocated, IsFilled reads the canary straight back, and a
// 16-byte load that spans two overlapping 16-byte stores cannot be forwarded from the store buffer
// (it waits for both to reach the cache). Measured on the alloc+free pair of a 1000-byte request
// (24 canary bytes): 1.9x the unchecked pair with two vectors, 1.6x with a vector and words.

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
        else if (length > 32)
        {
            var pattern = Vector128.Create(value);
            pattern.Store(start);
            pattern.Store(start + 16);
            pattern.Store(start + length - 32);
            pattern.Store(start + length - 16);
        }
        else if (length >= 16)
        {
            // 16 bytes, then the rest (0 to 16) by words: a second 16-byte store overlapping the
            // first would make the 16-byte load of IsFilled wait (see the top of the file).
            Vector128.Create(value).Store(start);
            var word = 0x0101010101010101UL * value;
            if (length >= 24)
            {
                Unsafe.WriteUnaligned(start + 16, word);
            }

            if (length != 16)
            {
                Unsafe.WriteUnaligned(start + length - 8, word);
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

        if (length > 32)
        {
            var pattern = Vector128.Create(value);
            return Vector128.Load(start) == pattern && Vector128.Load(start + 16) == pattern
                && Vector128.Load(start + length - 32) == pattern && Vector128.Load(start + length - 16) == pattern;
        }

        if (length >= 16)
        {
            var word = 0x0101010101010101UL * value;
            return Vector128.Load(start) == Vector128.Create(value)
                && (length < 24 || Unsafe.ReadUnaligned<ulong>(start + 16) == word)
                && (length == 16 || Unsafe.ReadUnaligned<ulong>(start + length - 8) == word);
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
