// The multiply-and-shift that turns a byte offset inside a page into a block index without a
// division: index = (offset * M) >> S with M = ceil(2^S / blockSize). With e = M * blockSize - 2^S
// (0 <= e < blockSize), offset * M / 2^S = offset / blockSize + offset * e / (blockSize * 2^S), so
// the quotient is exact for every offset below N when (N - 1) * e < 2^S; and offset * M must fit
// in 64 bits. One S serves the whole heap (IHeapSpec.BlockIndexShift), so it is the smallest S
// for which every class meets both conditions.
namespace Heapsmith.Generators;

/// <summary>Finds the heap's block-index shift and the per-class multipliers.</summary>
internal static class BlockIndexReciprocal
{
    /// <summary>Largest shift tried: 2^S must fit in an unsigned 64-bit value.</summary>
    public const int MaxShift = 63;

    /// <summary>
    /// The smallest shift for which every class's multiplier is exact for offsets below its
    /// <paramref name="usedBytes"/> (blocks per page × block size); false when no shift works.
    /// </summary>
    public static bool TryPlan(int[] blockSizes, long[] usedBytes, out int shift, out ulong[] multipliers)
    {
        multipliers = new ulong[blockSizes.Length];
        for (shift = 0; shift <= MaxShift; shift++)
        {
            var ok = true;
            for (var c = 0; c < blockSizes.Length && ok; c++)
            {
                ok = TryMultiplier(blockSizes[c], usedBytes[c], shift, out multipliers[c]);
            }

            if (ok)
            {
                return true;
            }
        }

        shift = 0;
        return false;
    }

    /// <summary>The multiplier for one class at one shift, if exact and overflow-free below <paramref name="usedBytes"/>.</summary>
    public static bool TryMultiplier(int blockSize, long usedBytes, int shift, out ulong multiplier)
    {
        multiplier = 0;
        if (blockSize <= 0 || usedBytes <= 0 || shift is < 0 or > MaxShift)
        {
            return false;
        }

        var power = 1UL << shift;
        var divisor = (ulong)blockSize;
        var m = (power / divisor) + (power % divisor == 0 ? 0UL : 1UL);
        var error = (m * divisor) - power; // < blockSize, no overflow: m * divisor < power + divisor
        var maxOffset = (ulong)(usedBytes - 1);
        if (m == 0 || (maxOffset != 0 && error > (power - 1) / maxOffset) || (maxOffset != 0 && m > ulong.MaxValue / maxOffset))
        {
            return false;
        }

        multiplier = m;
        return true;
    }
}
