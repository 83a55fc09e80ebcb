using System.Collections.Generic;
using System.Threading;
using FineSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.FineSpecParameters>;
using SingleSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SingleThreadSpecParameters>;
using TrimSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.TrimSpecParameters>;

namespace Heapsmith.Tests.Engine;

// Purging gives the memory of free units back (with the NativeMemory backend used here it only
// clears them; the counters are what is checked), at once, after PurgeDelayMs, or only on Trim.
public unsafe class PurgeTests
{
    [Fact]
    public void Trim_purges_free_pages_and_releases_empty_segments_beyond_the_reserve()
    {
        using var arena = new ArenaHeap<TrimSpec>();
        var blocks = new List<nint>();
        for (var i = 0; i < 3000; i++)
        {
            blocks.Add((nint)arena.Alloc((nuint)(1000 + (i % 7000))));
        }

        for (var i = 0; i < 20; i++)
        {
            blocks.Add((nint)arena.Alloc(300_000));
        }

        var full = arena.GetStats();
        foreach (var block in blocks)
        {
            arena.Free((void*)block);
        }

        arena.Trim();
        var trimmed = arena.GetStats();
        Assert.Equal(0, trimmed.BytesInUse);
        Assert.True(full.BytesReserved >= 4L << 22, $"the working set spans several segments ({full.BytesReserved >> 20} MiB)");
        Assert.Equal(1L << 22, trimmed.BytesReserved);
        Assert.True(trimmed.BytesPurged > 0);
        Assert.True(trimmed.BytesCommitted < 1L << 22, "the segment kept in reserve is purged");

        // Purged memory comes back zeroed and usable.
        var again = (byte*)arena.AllocZeroed(200_000, 1);
        for (var i = 0; i < 200_000; i += 4096)
        {
            Assert.Equal(0, again[i]);
        }

        Assert.Equal(1L << 22, arena.GetStats().BytesReserved);
    }

    [Fact]
    public void With_no_delay_a_freed_run_is_purged_at_once()
    {
        using var arena = new ArenaHeap<FineSpec>();
        var keep = arena.Alloc(100); // keeps the segment from being wholly free
        var large = (byte*)arena.Alloc(100_000);
        large[50_000] = 1;
        var before = arena.GetStats();
        arena.Free(large);
        var after = arena.GetStats();
        Assert.True(after.BytesPurged >= before.BytesPurged + 100_000, $"purged {after.BytesPurged - before.BytesPurged}");
        Assert.True(after.BytesCommitted < before.BytesCommitted);
        arena.Free(keep);
    }

    [Fact]
    public void With_a_delay_a_freed_run_is_purged_by_a_later_slow_path()
    {
        using var arena = new ArenaHeap<TrimSpec>();
        var keep = arena.Alloc(100);
        var large = (byte*)arena.Alloc(1 << 20);
        var separator = arena.Alloc(100_000); // keeps the next free from coalescing with the stale run
        var trigger = (byte*)arena.Alloc(100_000);
        large[0] = 1;
        trigger[0] = 1;
        arena.Free(large);
        var justFreed = arena.GetStats();
        Thread.Sleep(3 * TrimSpec.PurgeDelayMs + 20);

        // Any free of a span past the deadline purges: here a large block's. (Taking a span does not:
        // the run would be purged just before it is reused.)
        arena.Free(trigger);
        var later = arena.GetStats();
        arena.Free(separator);
        Assert.True(later.BytesPurged >= justFreed.BytesPurged + (1 << 20), $"purged {later.BytesPurged - justFreed.BytesPurged}");
        arena.Free(keep);
    }

    [Fact]
    public void With_purging_off_only_trim_purges()
    {
        using var arena = new ArenaHeap<SingleSpec>();
        var keep = arena.Alloc(100);
        var large = (byte*)arena.Alloc(1 << 20);
        large[0] = 1;
        arena.Free(large);
        Thread.Sleep(20);
        arena.Free(arena.Alloc(100_000));
        Assert.Equal(0, arena.GetStats().BytesPurged);
        arena.Trim();
        Assert.True(arena.GetStats().BytesPurged >= 1 << 20);
        arena.Free(keep);
    }

    [Fact]
    public void Static_heap_trim_returns_the_calling_threads_empty_pages()
    {
        var blocks = new List<nint>();
        for (var i = 0; i < 5000; i++)
        {
            blocks.Add((nint)StaticHeap<TrimSpec>.Alloc(256));
        }

        foreach (var block in blocks)
        {
            StaticHeap<TrimSpec>.Free((void*)block);
        }

        var before = StaticHeap<TrimSpec>.GetStats();
        StaticHeap<TrimSpec>.Trim();
        var after = StaticHeap<TrimSpec>.GetStats();
        Assert.True(after.BytesPurged > before.BytesPurged, "the last page of the class, kept while in use, was purged too");
        Assert.True(after.BytesCommitted < before.BytesCommitted);
    }
}
