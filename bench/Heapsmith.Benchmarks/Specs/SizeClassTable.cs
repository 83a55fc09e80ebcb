using System;
using System.Collections.Generic;

namespace Heapsmith.Benchmarks.Specs;

// The tables of a hand-written heap spec, built once at type initialisation from the same rules
// the generator applies to [HeapConfig] (jemalloc spacing: MinBlockSize steps up to
// MinBlockSize * ClassesPerDoubling, then ClassesPerDoubling classes per doubling). A test checks
// that GoodSize over these tables equals the generated heap's GoodSize for every small size, so the
// hand-written spec and the declared heap describe the same allocator.
// Invariants: block sizes strictly ascending multiples of Alignment, last == MaxSmallSize;
// Lookup[(n + Alignment - 1) / Alignment] is the smallest class whose block holds n bytes;
// a page of class c spans PageSpans[c] page units: the smallest span holding at least MinBlocksPerPage
// blocks with under 1/MaxWasteDenominator of it left over (the generator's layout rule), and
// BlocksPerPage(c) = span * PageSize / BlockSize(c);
// (o * Multiplier(c)) >> BlockIndexShift == o / BlockSize(c) for every offset o inside a page.

/// <summary>Size classes and page geometry of one heap configuration.</summary>
internal sealed class SizeClassTable
{
    /// <summary>Shift paired with the block-index multipliers.</summary>
    public const int BlockIndexShift = 32;

    /// <summary>A page holds at least this many blocks.</summary>
    public const int MinBlocksPerPage = 2;

    /// <summary>A page leaves under 1/8 of its bytes unused.</summary>
    public const int MaxWasteDenominator = 8;

    private SizeClassTable(int[] blockSizes, byte[] lookup, int[] pageSpans, int[] blocksPerPage, ulong[] multipliers, int alignmentShift, int pageShift)
    {
        BlockSizes = blockSizes;
        Lookup = lookup;
        PageSpans = pageSpans;
        BlocksPerPage = blocksPerPage;
        Multipliers = multipliers;
        AlignmentShift = alignmentShift;
        PageShift = pageShift;
    }

    public int[] BlockSizes { get; }

    public byte[] Lookup { get; }

    public int[] PageSpans { get; }

    public int[] BlocksPerPage { get; }

    public ulong[] Multipliers { get; }

    public int AlignmentShift { get; }

    public int PageShift { get; }

    public int MaxSmallSize => BlockSizes[^1];

    /// <summary>The smallest class whose block holds <paramref name="size"/> bytes (<c>size &lt;= MaxSmallSize</c>).</summary>
    public int SizeClassOf(nuint size) => Lookup[(int)((size + ((nuint)1 << AlignmentShift) - 1) >> AlignmentShift)];

    /// <summary>Builds the jemalloc-spaced table for a configuration.</summary>
    public static SizeClassTable Spaced(int minBlockSize, int maxSmallSize, int classesPerDoubling, int alignment, int pageSize)
    {
        if (!IsPowerOfTwo(alignment) || !IsPowerOfTwo(pageSize) || !IsPowerOfTwo(minBlockSize) || classesPerDoubling < 1)
        {
            throw new ArgumentException("invalid size-class configuration");
        }

        var sizes = new List<int>();
        var last = RoundUp(maxSmallSize, alignment);
        var size = RoundUp(minBlockSize, alignment);
        while (size < last)
        {
            sizes.Add(size);
            var step = Math.Max(HighestPowerOfTwoAtMost(size) / classesPerDoubling, minBlockSize);
            size += RoundUp(step, alignment);
        }

        sizes.Add(last);

        var alignmentShift = Log2(alignment);
        var lookup = new byte[(last >> alignmentShift) + 1];
        var sizeClass = 0;
        for (var step = 0; step < lookup.Length; step++)
        {
            while (sizes[sizeClass] < step << alignmentShift)
            {
                sizeClass++;
            }

            lookup[step] = checked((byte)sizeClass);
        }

        var blockSizes = sizes.ToArray();
        var pageSpans = new int[blockSizes.Length];
        var blocksPerPage = new int[blockSizes.Length];
        var multipliers = new ulong[blockSizes.Length];
        for (var c = 0; c < blockSizes.Length; c++)
        {
            pageSpans[c] = SmallestSpan(blockSizes[c], pageSize);
            blocksPerPage[c] = (int)((long)pageSpans[c] * pageSize / blockSizes[c]);
            multipliers[c] = ((1UL << BlockIndexShift) + (ulong)blockSizes[c] - 1) / (ulong)blockSizes[c];
        }

        return new SizeClassTable(blockSizes, lookup, pageSpans, blocksPerPage, multipliers, alignmentShift, Log2(pageSize));
    }

    // The smallest number of page units whose page holds MinBlocksPerPage blocks with under
    // 1/MaxWasteDenominator left over; MaxWasteDenominator * blockSize bytes always qualify.
    private static int SmallestSpan(int blockSize, int pageSize)
    {
        for (var span = 1; ; span++)
        {
            var bytes = (long)span * pageSize;
            var blocks = bytes / blockSize;
            if (blocks >= MinBlocksPerPage && (bytes - (blocks * blockSize)) * MaxWasteDenominator < bytes)
            {
                return span;
            }
        }
    }

    private static bool IsPowerOfTwo(int value) => value > 0 && (value & (value - 1)) == 0;

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static int HighestPowerOfTwoAtMost(int value) => 1 << Log2(value);

    private static int Log2(int value) => 31 - int.LeadingZeroCount(value);
}
