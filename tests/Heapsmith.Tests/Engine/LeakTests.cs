using System.IO;
using System.Runtime.CompilerServices;
using Heapsmith.Engine;
using LeakDisposeSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.LeakDisposeSpecParameters>;
using LeakSampleSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.LeakSampleSpecParameters>;
using LeakSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.LeakSpecParameters>;
using ValidateSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.ValidateSpecParameters>;

namespace Heapsmith.Tests.Engine;

// HeapChecks.Leaks: every live block remembers the method that allocated it; ReportLeaks lists
// live blocks by site with counts and bytes; an arena reports at Dispose.
public unsafe class LeakTests
{
    [Fact]
    public void A_leaked_block_is_reported_with_the_method_that_allocated_it_and_its_size()
    {
        using var arena = new ArenaHeap<LeakSpec>();
        var leaked = AllocateTheLeak(arena);
        var report = new StringWriter();
        Assert.Equal(1, arena.ReportLeaks(report));
        Assert.Contains("1 blocks, 1234 bytes, allocated at Heapsmith.Tests.Engine.LeakTests.AllocateTheLeak", report.ToString());

        arena.Free(leaked);
        var empty = new StringWriter();
        Assert.Equal(0, arena.ReportLeaks(empty));
        Assert.Equal(string.Empty, empty.ToString());
    }

    [Fact]
    public void Live_blocks_are_grouped_by_site_the_most_bytes_first_on_the_static_heap_too()
    {
        var small = new nint[3];
        for (var i = 0; i < small.Length; i++)
        {
            small[i] = (nint)AllocateSmall();
        }

        var large = AllocateLarge();
        var grown = StaticHeap<LeakSpec>.Realloc(StaticHeap<LeakSpec>.Alloc(10), 70_000); // the site of a Realloc is its caller
        var report = new StringWriter();
        Assert.Equal(5, StaticHeap<LeakSpec>.ReportLeaks(report));
        var text = report.ToString();
        var largeAt = text.IndexOf("1 blocks, 50000 bytes, allocated at Heapsmith.Tests.Engine.LeakTests.AllocateLarge", System.StringComparison.Ordinal);
        var smallAt = text.IndexOf("3 blocks, 300 bytes, allocated at Heapsmith.Tests.Engine.LeakTests.AllocateSmall", System.StringComparison.Ordinal);
        Assert.True(largeAt >= 0 && smallAt > largeAt, text);
        Assert.Contains("70000 bytes, allocated at Heapsmith.Tests.Engine.LeakTests.Live_blocks_are_grouped", text);

        foreach (var block in small)
        {
            StaticHeap<LeakSpec>.Free((void*)block);
        }

        StaticHeap<LeakSpec>.Free(large);
        StaticHeap<LeakSpec>.Free(grown, 70_000);
        Assert.Equal(0, StaticHeap<LeakSpec>.ReportLeaks(new StringWriter()));
    }

    [Fact]
    public void An_arena_reports_its_live_blocks_at_Dispose()
    {
        var report = new StringWriter();
        LeakTable<LeakDisposeSpec>.ReportTo = report;
        try
        {
            var arena = new ArenaHeap<LeakDisposeSpec>();
            AllocateForDispose(arena);
            arena.Free(arena.Alloc(64));
            arena.Dispose();
            Assert.Contains("1 blocks, 777 bytes, allocated at Heapsmith.Tests.Engine.LeakTests.AllocateForDispose", report.ToString());

            var clean = new ArenaHeap<LeakDisposeSpec>();
            clean.Free(clean.Alloc(64));
            var before = report.ToString().Length;
            clean.Dispose();
            Assert.Equal(before, report.ToString().Length);
        }
        finally
        {
            LeakTable<LeakDisposeSpec>.ReportTo = null;
        }
    }

    [Fact]
    public void With_samples_a_site_that_leaks_many_blocks_is_reported()
    {
        using var arena = new ArenaHeap<LeakSampleSpec>();
        var blocks = new nint[200];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = (nint)AllocateSampled(arena);
        }

        var report = new StringWriter();
        var listed = arena.ReportLeaks(report);
        Assert.InRange(listed, 3, 4); // one allocation in 64, counted per thread
        Assert.Contains($"{listed} blocks, {listed * 48} bytes, allocated at Heapsmith.Tests.Engine.LeakTests.AllocateSampled", report.ToString());
        Assert.Contains("sampled", report.ToString());
        foreach (var block in blocks)
        {
            arena.Free((void*)block);
        }

        Assert.Equal(0, arena.ReportLeaks(new StringWriter()));
    }

    [Fact]
    public void Without_the_flag_the_report_gives_the_live_blocks_count_and_bytes()
    {
        using var arena = new ArenaHeap<ValidateSpec>();
        arena.Alloc(100);
        arena.Alloc(200);
        var report = new StringWriter();
        Assert.Equal(2, arena.ReportLeaks(report));
        Assert.Contains("2 live blocks", report.ToString());
        Assert.Contains("HeapChecks.Leaks", report.ToString());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocateTheLeak(ArenaHeap<LeakSpec> arena) => arena.Alloc(1234);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocateSmall() => StaticHeap<LeakSpec>.Alloc(100);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocateLarge() => StaticHeap<LeakSpec>.Alloc(50_000);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocateSampled(ArenaHeap<LeakSampleSpec> arena) => arena.Alloc(48);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* AllocateForDispose(ArenaHeap<LeakDisposeSpec> arena) => arena.Alloc(777);
}
