// Pure function from a validated configuration to the heap's plan: size classes (jemalloc spacing
// or an explicit list), per class the page geometry (PageGeometry), the block-index reciprocal
// (BlockIndexReciprocal) and the size-to-class lookup (SizeClassLookup). It never throws on a
// validated configuration; what cannot be planned comes back as a PlanError for the parser to report.
using System.Collections.Generic;
using System.Linq;
using Heapsmith.Generators.Model;

namespace Heapsmith.Generators;

/// <summary>Why a configuration could not be planned.</summary>
internal enum PlanErrorKind
{
    /// <summary>More classes than a byte can index.</summary>
    TooManySizeClasses,

    /// <summary>A class fits no page of at most the largest span with two blocks and under 1/8 waste.</summary>
    NoPageGeometry,

    /// <summary>No single shift gives every class an exact, overflow-free block-index multiplier.</summary>
    NoBlockIndexReciprocal,
}

/// <summary>A plan failure; <see cref="BlockSize"/> names the offending class where there is one.</summary>
internal sealed record PlanError(PlanErrorKind Kind, int BlockSize, int Count);

/// <summary>
/// Spacing follows jemalloc: classes step by <c>max(MinBlockSize, Alignment)</c> until the size
/// reaches <c>ClassesPerDoubling</c> such steps, then each doubling <c>[2^k, 2^(k+1))</c> holds
/// <c>ClassesPerDoubling</c> classes spaced <c>2^k / ClassesPerDoubling</c> apart. With the defaults
/// (16, 4) that is 16, 32, 48, 64, 80, 96, 112, 128, 160, … The last class is
/// <c>MaxSmallSize</c> rounded up to the alignment.
/// </summary>
internal static class SizeClassPlanner
{
    public static SizeClassPlan? Plan(HeapConfig config, out PlanError? error)
    {
        var classes = config.HasExplicitSizeClasses
            ? config.SizeClasses.ToList()
            : SpacedClasses(config.MinBlockSize, config.MaxSmallSize, config.ClassesPerDoubling, config.Alignment);
        if (classes.Count > HeapDefaults.MaxSizeClassCount)
        {
            error = new PlanError(PlanErrorKind.TooManySizeClasses, 0, classes.Count);
            return null;
        }

        var maxSpan = PageGeometry.MaxPageSpan(config.PageSize, config.SegmentSize);
        var spans = new int[classes.Count];
        var blocks = new int[classes.Count];
        var used = new long[classes.Count];
        for (var c = 0; c < classes.Count; c++)
        {
            if (!PageGeometry.TryLayout(classes[c], config.PageSize, maxSpan, out spans[c], out blocks[c]))
            {
                error = new PlanError(PlanErrorKind.NoPageGeometry, classes[c], maxSpan);
                return null;
            }

            used[c] = (long)blocks[c] * classes[c];
        }

        if (!BlockIndexReciprocal.TryPlan(classes.ToArray(), used, out var shift, out var multipliers))
        {
            error = new PlanError(PlanErrorKind.NoBlockIndexReciprocal, 0, classes.Count);
            return null;
        }

        error = null;
        return new SizeClassPlan(
            classes.ToEquatableArray(),
            spans.ToEquatableArray(),
            blocks.ToEquatableArray(),
            multipliers.ToEquatableArray(),
            shift,
            SizeClassLookup.Plan(classes, config));
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

    public static int RoundUp(int value, int multiple) => (int)((((long)value + multiple - 1) / multiple) * multiple);

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
