// Generator time for a project of 50 heaps, reported (not asserted: no timed assertions in unit
// tests) through the driver's own timing and a stopwatch around the run. See the test output.
using System.Diagnostics;
using System.Linq;
using Xunit.Abstractions;

namespace Heapsmith.Generators.Tests;

public class TimingTests
{
    private readonly ITestOutputHelper _output;

    public TimingTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Fifty_heaps_are_generated_and_timed()
    {
        var configs = new[]
        {
            "", "MaxSmallSize = 8192", "ClassesPerDoubling = 8, MinBlockSize = 8, Alignment = 8", "ClassesPerDoubling = 1",
            "SizeClasses = new[] { 16, 32, 64, 128, 256 }", "PageSize = 16384, MaxSmallSize = 4096", "ClassesPerDoubling = 16, MaxSmallSize = 65536, PageSize = 262144",
        };
        var sources = Enumerable.Range(0, 50).Select(i => $$"""
            using Heapsmith;
            namespace Project.Area{{i % 5}};
            [HeapConfig({{configs[i % configs.Length]}})]
            public {{(i % 2 == 0 ? "static " : "sealed ")}}partial class Heap{{i}} { }
            """).ToArray();
        // Warm the generator and Roslyn up on another compilation (JIT), then time a fresh driver on
        // a fresh compilation, so binding the 50 attributes is part of the measured time.
        GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(sources.Take(3).ToArray()));
        var compilation = GeneratorHarness.Compile(sources);
        // CPU time too: on a shared machine the wall time mostly measures waiting for a core.
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        stopwatch.Stop();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;

        var result = driver.GetRunResult();
        Assert.Equal(50, result.GeneratedTrees.Length);
        Assert.Empty(result.Diagnostics);
        var timing = driver.GetTimingInfo();
        _output.WriteLine($"50 heaps: generator {timing.ElapsedTime.TotalMilliseconds:0.0} ms (driver timing), run {stopwatch.Elapsed.TotalMilliseconds:0.0} ms (stopwatch), {cpu.TotalMilliseconds:0.0} ms CPU");
    }
}
