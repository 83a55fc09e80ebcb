using System;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;

namespace Heapsmith;

/// <summary>A snapshot of a heap's counters, from <c>GetStats()</c>.</summary>
/// <param name="BytesInUse">Bytes in live blocks, at their usable size.</param>
/// <param name="BytesCommitted">Bytes of address space backed by memory (resident or not purged).</param>
/// <param name="BytesReserved">Bytes of address space reserved from the OS.</param>
/// <param name="Allocations">Blocks allocated since the heap was created.</param>
/// <param name="Frees">Blocks freed since the heap was created.</param>
/// <param name="BytesPurged">Bytes handed back to the OS by purging, since the heap was created.</param>
/// <param name="LiveBlocksBySizeClass">Live block count per small size class.</param>
public readonly record struct HeapStats(
    long BytesInUse,
    long BytesCommitted,
    long BytesReserved,
    long Allocations,
    long Frees,
    long BytesPurged,
    ImmutableArray<long> LiveBlocksBySizeClass)
{
    /// <summary>The heap's cap on committed memory in bytes (<c>SetMemoryLimit</c> or <c>[HeapConfig(MemoryLimit)]</c>); 0 when it has none.</summary>
    public long MemoryLimit { get; init; }

    /// <summary>One row per small size class, indexed by size class: its blocks, pages, memory and waste.</summary>
    public ImmutableArray<SizeClassStats> SizeClasses { get; init; }

    /// <summary>Large blocks (above <c>MaxSmallSize</c>, up to half a segment): each a run of page units; <c>Pages</c> counts runs.</summary>
    public SizeClassStats Large { get; init; }

    /// <summary>Huge blocks: each a mapping of its own; <c>Pages</c> counts mappings.</summary>
    public SizeClassStats Huge { get; init; }

    /// <summary>Two snapshots are equal when every counter and every per-class value is (arrays compared element by element).</summary>
    /// <param name="other">The other snapshot.</param>
    /// <returns>Whether they hold the same values.</returns>
    public bool Equals(HeapStats other) =>
        BytesInUse == other.BytesInUse && BytesCommitted == other.BytesCommitted && BytesReserved == other.BytesReserved
        && Allocations == other.Allocations && Frees == other.Frees && BytesPurged == other.BytesPurged
        && MemoryLimit == other.MemoryLimit && Large == other.Large && Huge == other.Huge
        && SameItems(LiveBlocksBySizeClass, other.LiveBlocksBySizeClass) && SameItems(SizeClasses, other.SizeClasses);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(BytesInUse, BytesCommitted, BytesReserved, Allocations, Frees, BytesPurged, MemoryLimit);

    private static bool SameItems<T>(ImmutableArray<T> a, ImmutableArray<T> b)
        where T : IEquatable<T>
    {
        var left = a.IsDefault ? [] : a.AsSpan();
        var right = b.IsDefault ? [] : b.AsSpan();
        return left.SequenceEqual(right);
    }

    /// <summary>
    /// Writes the snapshot as a table, one row per size class in use, then the large and huge
    /// blocks, the totals and the heap-wide counters (in the manner of mimalloc's <c>mi_stats_print</c>).
    /// </summary>
    /// <param name="writer">Where the table goes.</param>
    /// <param name="heapName">The heading's heap name.</param>
    public void WriteTable(TextWriter writer, string heapName)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var c = CultureInfo.InvariantCulture;
        writer.WriteLine($"heap {heapName}");
        writer.WriteLine(" class      block   blocks in use      in use   pages   committed      wasted   used");
        var classes = SizeClasses.IsDefault ? ImmutableArray<SizeClassStats>.Empty : SizeClasses;
        for (var i = 0; i < classes.Length; i++)
        {
            var row = classes[i];
            if (row.Pages != 0 || row.BlocksInUse != 0)
            {
                WriteRow(writer, i.ToString(c), row.BlockSize.ToString(c), row);
            }
        }

        WriteRow(writer, "large", "-", Large);
        WriteRow(writer, "huge", "-", Huge);
        var total = Large + Huge;
        foreach (var row in classes)
        {
            total += row;
        }

        WriteRow(writer, "total", string.Empty, total);
        var limit = MemoryLimit == 0 ? "none" : Bytes(MemoryLimit);
        writer.WriteLine($" reserved {Bytes(BytesReserved)}, committed {Bytes(BytesCommitted)} ({Bytes(BytesCommitted - total.BytesCommitted)} of it in free spans), limit {limit}");
        writer.WriteLine($" {Allocations.ToString("N0", c)} allocations, {Frees.ToString("N0", c)} frees, {Bytes(BytesPurged)} purged since the heap was created");
    }

    private static void WriteRow(TextWriter writer, string name, string block, SizeClassStats row)
    {
        var used = row.BytesCommitted == 0 ? "-" : (100.0 * row.BytesInUse / row.BytesCommitted).ToString("0.0", CultureInfo.InvariantCulture) + "%";
        writer.WriteLine(string.Format(
            CultureInfo.InvariantCulture,
            "{0,6} {1,10} {2,15:N0} {3,11} {4,7:N0} {5,11} {6,11} {7,6}",
            name, block, row.BlocksInUse, Bytes(row.BytesInUse), row.Pages, Bytes(row.BytesCommitted), Bytes(row.BytesWasted), used));
    }

    /// <summary>Bytes in B, KiB, MiB or GiB, one decimal above bytes.</summary>
    internal static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}

/// <summary>The statistics of one size class (or of the large or huge blocks) in <see cref="HeapStats"/>.</summary>
/// <param name="BlockSize">The class's block size; 0 for the large and huge rows, whose blocks differ in size.</param>
/// <param name="BlocksInUse">Live blocks.</param>
/// <param name="Pages">Pages of the class (large: runs; huge: mappings), whether or not they hold live blocks.</param>
/// <param name="BytesInUse">Bytes in live blocks, at their usable size.</param>
/// <param name="BytesCommitted">Bytes of those pages (runs, mappings) backed by memory: less what was purged inside them.</param>
/// <param name="BytesWasted">
/// Internal waste: bytes of those pages that no block can use. Small: the tail of each page past its
/// last block; large: the run's rounding to whole page units; huge: the mapping's header and rounding.
/// (The rounding of each request up to its block size is not included: requests are not recorded.)
/// </param>
public readonly record struct SizeClassStats(
    long BlockSize,
    long BlocksInUse,
    long Pages,
    long BytesInUse,
    long BytesCommitted,
    long BytesWasted)
{
    /// <summary>The sum of two rows (the block size is kept only when both agree).</summary>
    public static SizeClassStats operator +(SizeClassStats a, SizeClassStats b) => new(
        a.BlockSize == b.BlockSize ? a.BlockSize : 0,
        a.BlocksInUse + b.BlocksInUse,
        a.Pages + b.Pages,
        a.BytesInUse + b.BytesInUse,
        a.BytesCommitted + b.BytesCommitted,
        a.BytesWasted + b.BytesWasted);

    /// <summary>The sum of two rows, for languages without operators.</summary>
    public static SizeClassStats Add(SizeClassStats left, SizeClassStats right) => left + right;
}
