using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using ClassSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.ClassStatsSpecParameters>;

namespace Heapsmith.Tests.Engine;

/// <summary>HeapStats per size class, the large and huge rows, and the table WriteStats prints.</summary>
public unsafe class SizeClassStatsTests
{
    private const long Unit = 1 << 16;

    /// <summary>100 blocks of 100 bytes, 10 of 1000, 2 large of 100,000 and a huge 3 MiB one, each freed by the caller.</summary>
    private static nint[] Populate(ArenaHeap<ClassSpec> arena)
    {
        var sizes = Enumerable.Repeat<nuint>(100, 100).Concat(Enumerable.Repeat<nuint>(1000, 10)).Concat(new nuint[] { 100_000, 100_000, 3 << 20 });
        return sizes.Select(size => (nint)arena.Alloc(size)).ToArray();
    }

    [Fact]
    public void Each_size_class_reports_its_blocks_pages_memory_and_waste()
    {
        using var arena = new ArenaHeap<ClassSpec>();
        var blocks = Populate(arena);
        var stats = arena.GetStats();

        var c100 = ClassSpec.SizeClassOf(100);
        var row = stats.SizeClasses[c100];
        var pageBytes = ClassSpec.PageSpan(c100) * Unit;
        Assert.Equal(new SizeClassStats(112, 100, 1, 100 * 112, pageBytes, pageBytes - (ClassSpec.BlocksPerPage(c100) * 112L)), row);
        var c1000 = ClassSpec.SizeClassOf(1000);
        Assert.Equal(10, stats.SizeClasses[c1000].BlocksInUse);
        Assert.Equal(1, stats.SizeClasses[c1000].Pages);
        Assert.Equal(10L * ClassSpec.BlockSize(c1000), stats.SizeClasses[c1000].BytesInUse);
        Assert.All(stats.SizeClasses.Where((_, c) => c != c100 && c != c1000), r => Assert.Equal(0, r.Pages));

        // Large: two runs of two units, each block 100 KiB (whole OS pages) in 128 KiB.
        Assert.Equal(new SizeClassStats(0, 2, 2, 2 * 102_400, 4 * Unit, (4 * Unit) - (2 * 102_400)), stats.Large);

        // Huge: one mapping, the block plus its header rounded to OS pages.
        Assert.Equal(1, stats.Huge.BlocksInUse);
        Assert.Equal(3 << 20, stats.Huge.BytesInUse);
        Assert.InRange(stats.Huge.BytesWasted, 1, Unit);
        Assert.Equal(stats.Huge.BytesInUse + stats.Huge.BytesWasted, stats.Huge.BytesCommitted);

        // The rows add up to the heap-wide counters.
        var total = stats.SizeClasses.Aggregate(stats.Large + stats.Huge, (a, b) => a + b);
        Assert.Equal(stats.BytesInUse, total.BytesInUse);
        Assert.Equal(stats.Allocations - stats.Frees, total.BlocksInUse);
        Assert.True(total.BytesCommitted <= stats.BytesCommitted);

        // Frees show in their class at once.
        for (var i = 0; i < 50; i++)
        {
            arena.Free((void*)blocks[i]);
        }

        Assert.Equal(50, arena.GetStats().SizeClasses[c100].BlocksInUse);
        arena.Free((void*)blocks[^1]);
        Assert.Equal(default, arena.GetStats().Huge);
    }

    [Fact]
    public void The_table_has_a_row_per_class_in_use_and_the_large_and_huge_rows()
    {
        using var arena = new ArenaHeap<ClassSpec>();
        Populate(arena);
        var text = new StringWriter();
        arena.WriteStats(text);
        var lines = text.ToString().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();

        Assert.Equal("heap " + ClassSpec.Name, lines[0]);
        Assert.Contains("blocks in use", lines[1]);
        var c100 = ClassSpec.SizeClassOf(100);
        Assert.Matches(new Regex($@"^\s+{c100}\s+112\s+100\s+10\.9 KiB\s+1\s+64\.0 KiB\s"), lines[2]);
        Assert.Matches(new Regex($@"^\s+{ClassSpec.SizeClassOf(1000)}\s+1024\s+10\s+10\.0 KiB\s+1\s"), lines[3]);
        Assert.Matches(new Regex(@"^\s+large\s+-\s+2\s+200\.0 KiB\s+2\s+256\.0 KiB\s+56\.0 KiB\s+78\.1%$"), lines[4]);
        Assert.Matches(new Regex(@"^\s+huge\s+-\s+1\s+3\.0 MiB\s+1\s"), lines[5]);
        Assert.Matches(new Regex(@"^\s+total\s+113\s"), lines[6]);
        Assert.StartsWith(" reserved ", lines[7]);
        Assert.Contains("limit none", lines[7]);
        Assert.Contains("113 allocations, 0 frees", lines[8]);
    }
}
