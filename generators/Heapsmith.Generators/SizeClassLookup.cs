// Size → size class. Sizes up to the table limit read one byte from a table with one entry per
// alignment step; above it (spaced classes only) a log2 formula: every doubling (2^k, 2^(k+1)]
// from the group start G = ClassesPerDoubling × max(MinBlockSize, Alignment) on holds exactly
// ClassesPerDoubling classes spaced 2^k / ClassesPerDoubling apart, so with s = size - 1 and
// k = log2(s), the class is (s >> (k - log2 ClassesPerDoubling)) + ClassesPerDoubling × (k - log2 G).
// Invariant (tests check every size): the result is the smallest class whose block fits the size.
using System.Collections.Generic;
using Heapsmith.Generators.Model;

namespace Heapsmith.Generators;

/// <summary>Plans and evaluates the size-to-class lookup.</summary>
internal static class SizeClassLookup
{
    /// <summary>Spaced heaps use the table at least up to this size: one cache line of bytes for the defaults.</summary>
    public const int MinTableLimit = 1024;

    public static SizeClassLookupPlan Plan(IReadOnlyList<int> blockSizes, HeapConfig config)
    {
        var last = blockSizes[blockSizes.Count - 1];
        var alignmentShift = Log2(config.Alignment);
        var tableLimit = last;
        var hasFormula = false;
        var perDoublingShift = 0;
        var groupShift = 0;
        if (!config.HasExplicitSizeClasses)
        {
            var quantum = config.MinBlockSize > config.Alignment ? config.MinBlockSize : config.Alignment;
            var groupStart = (long)config.ClassesPerDoubling * quantum;
            var limit = groupStart > MinTableLimit ? groupStart : MinTableLimit;
            if (limit < last)
            {
                tableLimit = (int)limit;
                hasFormula = true;
                perDoublingShift = Log2(config.ClassesPerDoubling);
                groupShift = Log2((int)groupStart);
            }
        }

        var table = new byte[(tableLimit >> alignmentShift) + 1];
        var sizeClass = 0;
        for (var step = 0; step < table.Length; step++)
        {
            var size = (long)step << alignmentShift;
            while (blockSizes[sizeClass] < size)
            {
                sizeClass++;
            }

            table[step] = (byte)sizeClass;
        }

        return new SizeClassLookupPlan(table.ToEquatableArray(), tableLimit, alignmentShift, hasFormula, perDoublingShift, groupShift);
    }

    /// <summary>The class of <paramref name="size"/> as the emitted code computes it.</summary>
    public static int SizeClassOf(SizeClassLookupPlan lookup, long size)
    {
        if (size <= lookup.TableLimit)
        {
            return lookup.Table[(int)((size + (1L << lookup.AlignmentShift) - 1) >> lookup.AlignmentShift)];
        }

        var s = size - 1;
        var log = Log2Floor(s);
        return (int)(s >> (log - lookup.ClassesPerDoublingShift)) + ((1 << lookup.ClassesPerDoublingShift) * (log - lookup.GroupShift));
    }

    /// <summary>log2 of a power of two.</summary>
    public static int Log2(int powerOfTwo) => Log2Floor(powerOfTwo);

    public static int Log2Floor(long value)
    {
        var log = 0;
        while ((value >>= 1) != 0)
        {
            log++;
        }

        return log;
    }
}
