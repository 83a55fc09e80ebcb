using System.IO;

namespace Heapsmith.Tests.Generated;

/// <summary>The generated WriteStats prints the heap's table under the heap's name.</summary>
public unsafe class WriteStatsTests
{
    [Fact]
    public void Generated_WriteStats_prints_the_table_of_that_heap()
    {
        using var arena = new CappedArena();
        var block = arena.Alloc(100);
        var text = new StringWriter();
        arena.WriteStats(text);
        Assert.StartsWith("heap Heapsmith.Tests.Generated.CappedArena", text.ToString());
        Assert.Contains("limit 8.0 MiB", text.ToString());
        arena.Free(block);
    }
}
