// Page geometry of one size class: how many page units a page of the class spans and how many
// blocks it holds. Invariants of a layout: at least MinBlocksPerPage blocks; the bytes left over at
// the end of the page (internal waste) under 1/MaxWasteDenominator of the page; the smallest span
// with both properties, so small classes keep single-unit pages. A page never spans the whole
// segment: at most half of one, which always leaves room for the segment header.
using System;

namespace Heapsmith.Generators;

/// <summary>Chooses the page span and blocks per page of a size class.</summary>
internal static class PageGeometry
{
    /// <summary>A page with fewer blocks is a large allocation with a page's overhead.</summary>
    public const int MinBlocksPerPage = 2;

    /// <summary>Waste per page must stay under 1/8 of the page.</summary>
    public const int MaxWasteDenominator = 8;

    /// <summary>The largest span a page may have: half a segment. The engine's segment header
    /// takes a few page units (its page descriptors grow with the unit count: about 27 of 1024 for
    /// 4 KiB pages in a 4 MiB segment), so "all but one unit" could not always be placed; half a
    /// segment always can, and a page that large is a large block in all but name.</summary>
    public static int MaxPageSpan(int pageSize, int segmentSize) => Math.Max(1, segmentSize / pageSize / 2);

    /// <summary>
    /// The smallest span in <c>[1, maxSpan]</c> whose page holds at least two blocks of
    /// <paramref name="blockSize"/> with waste under 1/8; false when none exists.
    /// </summary>
    public static bool TryLayout(int blockSize, int pageSize, int maxSpan, out int span, out int blocksPerPage)
    {
        span = 0;
        blocksPerPage = 0;
        if (blockSize <= 0 || pageSize <= 0 || maxSpan <= 0)
        {
            return false;
        }

        // A span of at least 8 × blockSize always works (waste < one block <= 1/8 of the page),
        // so the search never needs to look further.
        var sufficient = (((long)blockSize * MaxWasteDenominator) + pageSize - 1) / pageSize;
        var limit = sufficient < maxSpan ? (int)sufficient : maxSpan;
        for (var units = 1; units <= limit; units++)
        {
            var bytes = (long)units * pageSize;
            var blocks = bytes / blockSize;
            var waste = bytes - (blocks * blockSize);
            if (blocks >= MinBlocksPerPage && waste * MaxWasteDenominator < bytes)
            {
                span = units;
                blocksPerPage = (int)blocks;
                return true;
            }
        }

        return false;
    }

    /// <summary>Bytes of a page of the class that its blocks do not use.</summary>
    public static long Waste(int blockSize, int pageSize, int span, int blocksPerPage) =>
        ((long)span * pageSize) - ((long)blocksPerPage * blockSize);
}
