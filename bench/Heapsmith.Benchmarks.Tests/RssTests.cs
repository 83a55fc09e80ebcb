using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Rss;

namespace Heapsmith.Benchmarks.Tests;

// Runs alone (DisableParallelization): the process's RSS moves with whatever other tests allocate
// at the same time (the compare and workload tests map tens of MiB), which made the 64 MiB test flaky.
[CollectionDefinition(nameof(RssTests), DisableParallelization = true)]
public class RssTestsCollection
{
}

[Collection(nameof(RssTests))]
public class RssTests
{
    [Fact]
    public void Status_lines_with_tabs_parse_to_kilobytes()
    {
        const string status = "Name:\tx\nVmPeak:\t  200 kB\nVmHWM:\t   51234 kB\nVmRSS:\t   40000 kB\n";
        Assert.Equal(51234, RssProbe.ParseStatusKilobytes(status, "VmHWM:"));
        Assert.Throws<FormatException>(() => RssProbe.ParseStatusKilobytes(status, "VmSwap:"));
    }

    [Fact]
    public unsafe void Touching_64_MiB_shows_in_current_and_peak_rss()
    {
        if (!RssProbe.IsSupported)
        {
            return;
        }

        // Absolute bounds only: the GC and the test host return memory at any time, so a difference
        // of two RSS reads can be anything (it measured 31 MiB for 64 MiB touched on a busy machine).
        // While the block is touched and not freed, its pages are resident whatever else happens,
        // and a unit error (pages or kB read as bytes, or the reverse) lands outside the range.
        const long size = 64 << 20;
        var machine = MachineBytes();
        var block = NativeMemory.Alloc((nuint)size);
        try
        {
            new Span<byte>(block, (int)size).Fill(1);
            Assert.InRange(RssProbe.CurrentBytes(), size, machine);

            // Peak and current from one read: the kernel raises VmHWM lazily, so a peak read after a
            // separate RSS read may be lower (the flake this test had before).
            var (current, peak) = RssProbe.Snapshot();
            Assert.InRange(current, size, machine);
            Assert.InRange(peak, current, machine);
        }
        finally
        {
            NativeMemory.Free(block);
        }
    }

    private static long MachineBytes()
    {
        var meminfo = File.ReadAllText("/proc/meminfo");
        return RssProbe.ParseStatusKilobytes(meminfo, "MemTotal:") * 1024;
    }

    [Fact]
    public void A_result_line_is_json_with_every_phase()
    {
        var recorder = new RssRecorder();
        recorder.Start();
        recorder.Record("allocated");
        recorder.Record("released");
        recorder.Finish();
        using var line = JsonDocument.Parse(RssMode.ToJson("fragmentation", AllocatorKind.Glibc, recorder, 1.5));
        var root = line.RootElement;
        Assert.Equal("fragmentation", root.GetProperty("case").GetString());
        Assert.Equal("Glibc", root.GetProperty("allocator").GetString());
        Assert.True(root.GetProperty("baselineBytes").GetInt64() > 0);
        Assert.Equal(2, root.GetProperty("phases").EnumerateObject().Count());
        Assert.Equal(1.5, root.GetProperty("seconds").GetDouble());
    }

    [Fact]
    public void A_failed_child_becomes_an_entry_with_its_error()
    {
        using var line = JsonDocument.Parse(RssMode.FailureJson("thread-churn", AllocatorKind.Jemalloc, "exit 134: \"boom\""));
        Assert.Equal("Jemalloc", line.RootElement.GetProperty("allocator").GetString());
        Assert.Equal("exit 134: \"boom\"", line.RootElement.GetProperty("error").GetString());
        Assert.False(line.RootElement.TryGetProperty("phases", out _));
    }

    [Theory]
    [InlineData(null, "glibc.rtld.optional_static_tls=16384")]
    [InlineData("", "glibc.rtld.optional_static_tls=16384")]
    [InlineData("glibc.malloc.tcache_count=0", "glibc.malloc.tcache_count=0:glibc.rtld.optional_static_tls=16384")]
    [InlineData("glibc.rtld.optional_static_tls=4096", "glibc.rtld.optional_static_tls=4096")]
    public void The_static_tls_tunable_is_added_without_losing_the_others(string? value, string expected)
    {
        Assert.Equal(expected, GlibcTunables.WithStaticTls(value));
        Assert.True(GlibcTunables.HasStaticTls(expected));
    }
}
