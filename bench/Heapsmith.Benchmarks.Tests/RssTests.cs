using System;
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
    public unsafe void Touching_64_MiB_raises_current_and_peak_rss_by_about_that_much()
    {
        if (!RssProbe.IsSupported)
        {
            return;
        }

        const int size = 64 << 20;
        var before = RssProbe.CurrentBytes();
        var block = NativeMemory.Alloc(size);
        try
        {
            new Span<byte>(block, size).Fill(1);
            var after = RssProbe.CurrentBytes();
            Assert.InRange(after - before, 60L << 20, 200L << 20);
            // statm's RSS and status's VmHWM are read from the kernel's per-CPU counters, which
            // may each be off by the pages other CPUs have not folded in yet (threads of tests
            // that ran before this one): compare with a few MiB of slack.
            Assert.True(RssProbe.PeakBytes() >= after - (8L << 20));
        }
        finally
        {
            NativeMemory.Free(block);
        }
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
