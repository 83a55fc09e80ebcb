using System;
using System.Collections.Generic;
using System.Linq;

namespace Heapsmith.Benchmarks.CheckCost;

// The summary of one check's per-round time ratios: the median (what the report prints) and the
// quartiles (how much rounds disagreed). A median of ratios, each ratio taken within one round,
// is robust to a shared machine: a round disturbed by other work is one outlier among many, and
// load that drifts over the run affects the checked heap and the unchecked one alike.

/// <summary>Median and quartiles of a set of ratios.</summary>
internal readonly record struct RatioSummary(double Median, double LowQuartile, double HighQuartile)
{
    /// <summary>Summarises <paramref name="ratios"/> (at least one), quantiles by linear interpolation.</summary>
    public static RatioSummary Of(IReadOnlyCollection<double> ratios)
    {
        if (ratios.Count == 0)
        {
            throw new ArgumentException("no ratios", nameof(ratios));
        }

        var sorted = ratios.Order().ToArray();
        return new RatioSummary(Quantile(sorted, 0.5), Quantile(sorted, 0.25), Quantile(sorted, 0.75));
    }

    /// <summary>The q-quantile of ascending <paramref name="sorted"/> values.</summary>
    public static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    /// <summary>Interquartile range over the median: how noisy the rounds were.</summary>
    public double Spread => Median > 0 ? (HighQuartile - LowQuartile) / Median : 0;
}
