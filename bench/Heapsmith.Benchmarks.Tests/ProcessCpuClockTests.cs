using System.Diagnostics;
using System.Threading;

namespace Heapsmith.Benchmarks.Tests;

// Process CPU time counts every thread: this test runs alone, not beside the other test classes.
[CollectionDefinition(nameof(ProcessCpuClockTests), DisableParallelization = true)]
public class ProcessCpuClockCollection
{
}

[Collection(nameof(ProcessCpuClockTests))]
public class ProcessCpuClockTests
{
    [Fact]
    public void It_advances_while_the_process_computes_and_barely_while_it_sleeps()
    {
        var clock = new ProcessCpuClock();
        if (!clock.IsAvailable)
        {
            return;
        }

        Assert.Equal(1_000_000_000, clock.Frequency.Hertz);

        // Busy: the clock must reach +20 ms of CPU (bounded by 20 s of wall time, however loaded).
        var start = clock.GetTimestamp();
        var wall = Stopwatch.StartNew();
        while (clock.GetTimestamp() - start < 20_000_000)
        {
            Assert.True(wall.Elapsed.TotalSeconds < 20, "process CPU time did not advance while spinning");
        }

        // Asleep: 300 ms of wall time costs this process little CPU. The runtime's own threads
        // (tiered JIT, GC) may burn some in a burst, so one quiet sleep out of five is enough;
        // a clock that counted wall time would fail all five.
        long quietest = long.MaxValue;
        for (var attempt = 0; attempt < 5 && quietest >= 150_000_000; attempt++)
        {
            var beforeSleep = clock.GetTimestamp();
            Thread.Sleep(300);
            quietest = System.Math.Min(quietest, clock.GetTimestamp() - beforeSleep);
        }

        Assert.InRange(quietest, 0, 150_000_000);
    }
}
