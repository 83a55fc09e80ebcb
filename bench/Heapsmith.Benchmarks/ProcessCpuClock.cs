using System;
using System.Runtime.InteropServices;
using Perfolizer.Horology;

namespace Heapsmith.Benchmarks;

// BenchmarkDotNet's clock for this suite on Linux: the CPU time of the whole process
// (clock_gettime(CLOCK_PROCESS_CPUTIME_ID)), in nanoseconds. On a shared machine the wall clock
// also counts the time the benchmark waits for a core while other work runs (a load average of 20
// on 2 cores made medians swing by several times); CPU time does not. For the two-thread cases it
// is the CPU time of both threads, spin-waiting for each other included, so it reads as "CPU
// work per operation", not latency. BenchmarkDotNet re-creates the clock in each benchmark process
// from its type, hence the public parameterless constructor.

/// <summary>Process CPU time as a BenchmarkDotNet clock (Linux).</summary>
public sealed unsafe partial class ProcessCpuClock : IClock
{
    private const int ClockProcessCpuTimeId = 2;
    private const long NanosecondsPerSecond = 1_000_000_000;

    public string Title => "ProcessCpuTime";

    public bool IsAvailable => OperatingSystem.IsLinux();

    public Frequency Frequency => new(NanosecondsPerSecond);

    public long GetTimestamp()
    {
        Timespec now;
        if (ClockGetTime(ClockProcessCpuTimeId, &now) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
        }

        return now.Seconds * NanosecondsPerSecond + now.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, Timespec* time);

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
