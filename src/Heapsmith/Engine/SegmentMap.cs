using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Heapsmith.Os;

namespace Heapsmith.Engine;

// The segment map of one heap type: one byte per segment-sized window of the 48-bit address space,
// non-zero when a live segment of this heap type (static heap or any arena of it) starts there.
// It answers "is p ours?" in O(1) without touching memory the heap does not own, as mimalloc's
// segment map does.
//
// Two levels: a pinned top-level array of chunk pointers (made at type initialisation), and chunks
// of 64 Ki bytes taken from the OS on first use and never released (a chunk covers 64 Ki segments,
// 256 GiB with 4 MiB segments; untouched bytes of an mmap chunk cost no memory).
//
// Invariants: a window is marked after its segment header is written and unmarked before the
// segment goes back to the OS. Bytes are written whole, so readers on other threads need no lock;
// installing a chunk takes a lock (rare: once per 256 GiB of address space used).

/// <summary>The per-heap-type map from segment windows to "a segment of ours starts here".</summary>
internal static unsafe class SegmentMap<TSpec>
    where TSpec : struct, IHeapSpec
{
    private const int AddressBits = 48;
    private const int MaxChunkBits = 16;

    private static readonly nint[] s_chunkArray = GC.AllocateArray<nint>(TopCount, pinned: true);
    private static readonly byte** s_chunks = (byte**)Unsafe.AsPointer(ref s_chunkArray[0]);
    private static readonly object s_chunkLock = new();

    private static int WindowBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => AddressBits - TSpec.SegmentShift;
    }

    private static int ChunkBits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => WindowBits < MaxChunkBits ? WindowBits : MaxChunkBits;
    }

    private static nuint ChunkSize
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (nuint)1 << ChunkBits;
    }

    private static int TopCount
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 1 << (WindowBits - ChunkBits);
    }

    /// <summary>Whether a live segment of this heap type has its header at <paramref name="segment"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Contains(Segment* segment)
    {
        var window = (nuint)segment >> TSpec.SegmentShift;
        var top = window >> ChunkBits;
        if (top >= (nuint)TopCount)
        {
            return false;
        }

        var chunk = s_chunks[top];
        return chunk != null && chunk[window & (ChunkSize - 1)] != 0;
    }

    /// <summary>Marks a segment as live; false when the OS refuses memory for the map.</summary>
    public static bool TryAdd(Segment* segment)
    {
        var window = (nuint)segment >> TSpec.SegmentShift;
        var top = window >> ChunkBits;
        if (top >= (nuint)TopCount)
        {
            return false;
        }

        var chunk = s_chunks[top];
        if (chunk == null)
        {
            chunk = InstallChunk(top);
            if (chunk == null)
            {
                return false;
            }
        }

        chunk[window & (ChunkSize - 1)] = 1;
        return true;
    }

    /// <summary>Unmarks a segment before it goes back to the OS.</summary>
    public static void Remove(Segment* segment)
    {
        var window = (nuint)segment >> TSpec.SegmentShift;
        var chunk = s_chunks[window >> ChunkBits];
        chunk[window & (ChunkSize - 1)] = 0;
    }

    private static byte* InstallChunk(nuint top)
    {
        lock (s_chunkLock)
        {
            var chunk = s_chunks[top];
            if (chunk == null)
            {
                var size = ChunkSize < OsMemory.OsPageSize ? OsMemory.OsPageSize : ChunkSize;
                chunk = (byte*)OsMemory.Reserve(TSpec.Backend, size, OsMemory.OsPageSize);
                if (chunk != null)
                {
                    // Published after the OS zeroed it: a reader sees either null or a zeroed chunk.
                    Volatile.Write(ref *(nint*)(s_chunks + top), (nint)chunk);
                }
            }

            return chunk;
        }
    }
}
