using System.Runtime.InteropServices;

namespace Heapsmith.Engine;

// A page descriptor: one per page unit of a segment, kept in the segment header (never inside the
// unit it describes, so purging a unit never loses its descriptor).
//
// Invariants:
// - Every unit's StartUnit names the first unit of the span it belongs to (a small page, a large
//   run, a free span or the header); only the first unit's descriptor carries the span's state.
// - A small page (Kind == Small) serves one size class: blocks of BlockSize from Start, Reserved of
//   them in all, of which the first Capacity were carved into lists. Every carved block is in
//   exactly one of: FreeList, ThreadFree, or handed out (counted in Used, with blocks waiting in
//   ThreadFree still counted until the owner collects them).
// - FreeList belongs to the owning thread heap (Heap): its allocations pop it and its frees push
//   onto it. ThreadFree is the only field other threads write, with one compare-and-swap per free.
// - PurgedMask and UsedAtPurge belong to the owner like FreeList (PagePurge.cs).
// - Purged and Zero are per unit: Purged = the unit's memory went back to the OS; Zero = the unit
//   reads as zero (fresh from the OS or purged since its last use).

/// <summary>What a span of page units holds.</summary>
internal enum PageKind : byte
{
    /// <summary>Not a span start (an unused descriptor).</summary>
    None = 0,

    /// <summary>The segment header's own units.</summary>
    Header = 1,

    /// <summary>Free units, in a span bin of the heap core.</summary>
    Free = 2,

    /// <summary>A page of one small size class.</summary>
    Small = 3,

    /// <summary>A run of units holding one large block.</summary>
    Large = 4,

    /// <summary>The descriptor of a huge block (a direct OS mapping).</summary>
    Huge = 5,
}

/// <summary>Descriptor of one page unit; for the first unit of a span, the span's state.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Page
{
    /// <summary>Blocks ready to hand out (owner thread only). First field: the alloc fast path pops it.</summary>
    public void* FreeList;

    /// <summary>Blocks freed by other threads: a lock-free stack, taken whole by the owner.</summary>
    public nint ThreadFree;

    /// <summary>Owning thread heap; null for large runs, free spans and abandoned pages.</summary>
    public ThreadHeap* Heap;

    /// <summary>Blocks handed out (small), not yet collected back.</summary>
    public int Used;

    /// <summary>Blocks carved so far (the rest of the page was never touched).</summary>
    public int Capacity;

    /// <summary>Blocks the page holds in all.</summary>
    public int Reserved;

    /// <summary>Size class (small pages).</summary>
    public int SizeClass;

    /// <summary>Block size (small) or usable size of the one block (large, huge).</summary>
    public nuint BlockSize;

    /// <summary>First byte of the blocks (small, large) or the huge block itself.</summary>
    public byte* Start;

    /// <summary>Small page: its OS pages purged in place, one bit each (PagePurge); in the first cache line, where a checked free reads it.</summary>
    public ulong PurgedMask;

    /// <summary>Link in a page queue, the full list, an abandoned list or a span bin.</summary>
    public Page* Next;

    /// <summary>Back link of <see cref="Next"/>.</summary>
    public Page* Prev;

    /// <summary>Units in this span.</summary>
    public int SpanUnits;

    /// <summary>Index of the first unit of the span this unit belongs to.</summary>
    public int StartUnit;

    /// <summary>When a free span was freed (Environment.TickCount64), for delayed purging.</summary>
    public long FreedAtMs;

    /// <summary>What the span holds.</summary>
    public PageKind Kind;

    /// <summary>Per unit: the unit's memory was purged.</summary>
    public byte Purged;

    /// <summary>Per unit: the unit reads as zero.</summary>
    public byte Zero;

    /// <summary>Small page: sits in its heap's full list.</summary>
    public byte InFull;

    /// <summary>Small page: sits in the heap core's abandoned list.</summary>
    public byte Abandoned;

    /// <summary>Small page: Used at its last in-place purge; int.MaxValue when none since it last refilled.</summary>
    public int UsedAtPurge;
}
