using System.Collections.Generic;
using Heapsmith.Generators.Model;

namespace Heapsmith.Generators;

/// <summary>
/// Pure function from a validated configuration to the heap's size classes.
/// </summary>
/// <remarks>
/// Spacing follows jemalloc: classes step by <c>MinBlockSize</c> until the size reaches
/// <c>MinBlockSize * ClassesPerDoubling</c>, then each doubling <c>[2^k, 2^(k+1))</c> holds
/// <c>ClassesPerDoubling</c> classes spaced <c>2^k / ClassesPerDoubling</c> apart (never closer than
/// the alignment). With the defaults (16, 4) that is 16, 32, 48, 64, 80, 96, 112, 128, 160, …
/// Invariants of the result: strictly ascending, every class a multiple of the alignment, the last
/// class equal to <c>MaxSmallSize</c> rounded up to the alignment.
/// </remarks>
internal static class SizeClassPlanner
{
    public static SizeClassPlan Plan(HeapConfig config)
    {
        var classes = config.HasExplicitSizeClasses
            ? new List<int>(config.SizeClasses)
            : SpacedClasses(config.MinBlockSize, config.MaxSmallSize, config.ClassesPerDoubling, config.Alignment);
        return new SizeClassPlan(classes.ToEquatableArray());
    }

    /// <summary>The jemalloc-style spaced classes up to <paramref name="maxSmallSize"/>.</summary>
    public static List<int> SpacedClasses(int minBlockSize, int maxSmallSize, int classesPerDoubling, int alignment)
    {
        var classes = new List<int>();
        var last = RoundUp(maxSmallSize, alignment);
        var size = RoundUp(minBlockSize, alignment);
        while (size < last)
        {
            classes.Add(size);
            var step = HighestPowerOfTwoAtMost(size) / classesPerDoubling;
            step = RoundUp(step < minBlockSize ? minBlockSize : step, alignment);
            size += step;
        }

        classes.Add(last);
        return classes;
    }

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    public static int HighestPowerOfTwoAtMost(int value)
    {
        var power = 1;
        while (power <= value / 2)
        {
            power *= 2;
        }

        return power;
    }

    public static bool IsPowerOfTwo(long value) => value > 0 && (value & (value - 1)) == 0;

    public static long NextPowerOfTwo(long value)
    {
        long power = 1;
        while (power < value)
        {
            power *= 2;
        }

        return power;
    }
}
