using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Engine;

// A segment: a 1 << SegmentShift aligned region from the OS. Its first HeaderUnits page units hold
// this header and the page descriptors (Units + 1 of them); the rest is cut into spans of units
// (small pages, large runs, free spans).
//
// A huge block gets a segment of its own (Kind == Huge): a direct mapping whose header sits at the
// segment-aligned address just below the block, with the descriptor of the block at the index its
// offset maps to (index Units when the block itself is segment aligned, hence Units + 1 descriptors).
//
// Pointer to segment is (p - 1) & ~SegmentMask, as in mimalloc, so a block that starts exactly at a
// segment boundary (huge alignment) still finds the header just below it; every other block
// starts past its segment's header, where the subtraction changes nothing.

/// <summary>What a segment holds.</summary>
internal enum SegmentKind
{
    /// <summary>Spans of page units: small pages and large runs.</summary>
    Normal = 1,

    /// <summary>One huge block, mapped directly.</summary>
    Huge = 2,
}

/// <summary>The header at the start of every segment.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Segment
{
    /// <summary>Id of the heap core owning the segment (static heap or arena).</summary>
    public long HeapId;

    /// <summary>Normal or huge.</summary>
    public SegmentKind Kind;

    /// <summary>Units in small pages or large runs (not free, not header).</summary>
    public int UsedUnits;

    /// <summary>Units whose memory is purged right now.</summary>
    public int PurgedUnits;

    /// <summary>Start of the OS mapping (differs from the header for huge alignments).</summary>
    public byte* MappingBase;

    /// <summary>Size of the OS mapping.</summary>
    public nuint MappingSize;

    /// <summary>The descriptor of the block (huge segments only).</summary>
    public Page* HugePage;

    /// <summary>Link in the heap core's segment list.</summary>
    public Segment* Next;

    /// <summary>Back link of <see cref="Next"/>.</summary>
    public Segment* Prev;
}

/// <summary>Segment geometry of one heap: every member folds to a constant for the JIT.</summary>
internal static unsafe class SegmentLayout<TSpec>
    where TSpec : struct, IHeapSpec
{
    /// <summary>Bytes of a segment.</summary>
    public static nuint SegmentSize
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (nuint)1 << TSpec.SegmentShift;
    }

    /// <summary>Mask of the offset inside a segment.</summary>
    public static nuint SegmentMask
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => SegmentSize - 1;
    }

    /// <summary>Bytes of a page unit.</summary>
    public static nuint UnitSize
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (nuint)1 << TSpec.PageShift;
    }

    /// <summary>Page units per segment.</summary>
    public static int Units
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => 1 << (TSpec.SegmentShift - TSpec.PageShift);
    }

    /// <summary>Offset of the descriptor array in the header (cache-line aligned).</summary>
    public static nuint PagesOffset
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ((nuint)sizeof(Segment) + 63) & ~(nuint)63;
    }

    /// <summary>Bytes of the header with its Units + 1 descriptors.</summary>
    public static nuint HeaderBytes
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => PagesOffset + ((nuint)(Units + 1) * (nuint)sizeof(Page));
    }

    /// <summary>Units the header takes at the start of a normal segment; the first usable unit.</summary>
    public static int HeaderUnits
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (int)((HeaderBytes + UnitSize - 1) >> TSpec.PageShift);
    }

    /// <summary>Largest block served by a run of units; above it, a huge mapping.</summary>
    public static nuint LargeMax
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var usable = (nuint)(Units - HeaderUnits) << TSpec.PageShift;
            var half = SegmentSize / 2;
            return usable < half ? usable : half;
        }
    }

    /// <summary>The segment holding block <paramref name="p"/> (not checked against the segment map).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Segment* SegmentOf(void* p) => (Segment*)(((nuint)p - 1) & ~SegmentMask);

    /// <summary>The descriptor array of a segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Page* PagesOf(Segment* segment) => (Page*)((byte*)segment + PagesOffset);

    /// <summary>The segment whose header holds descriptor <paramref name="page"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Segment* SegmentOfDescriptor(Page* page) => (Segment*)((nuint)page & ~SegmentMask);

    /// <summary>Index of a descriptor in its segment's array.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int UnitIndexOf(Page* page) => (int)(page - PagesOf(SegmentOfDescriptor(page)));

    /// <summary>Address of unit <paramref name="unit"/> of a normal segment.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte* UnitAddress(Segment* segment, int unit) => (byte*)segment + ((nuint)unit << TSpec.PageShift);

    /// <summary>
    /// The page (first-unit descriptor) of block <paramref name="p"/>, or null when <paramref name="p"/>
    /// is null or lies in no segment of this heap type. Never touches memory the segment map does not vouch for.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Page* PageOf(void* p)
    {
        var segment = SegmentOf(p);
        if (!SegmentMap<TSpec>.Contains(segment))
        {
            return null;
        }

        var pages = PagesOf(segment);
        return pages + pages[((nuint)p - (nuint)segment) >> TSpec.PageShift].StartUnit;
    }
}
