using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.CheckCost;

// The CPU time of the calling thread (clock_gettime(CLOCK_THREAD_CPUTIME_ID)) in nanoseconds, on
// Linux; elsewhere the wall clock. The check-cost samples run on one thread: its CPU time leaves
// out the time it waited for a core on a shared machine and the JIT's background compilation.

/// <summary>Thread CPU time in nanoseconds.</summary>
internal static unsafe partial class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;
    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>Whether the clock is the thread's CPU time (false: the wall clock).</summary>
    public static bool IsCpuTime => OperatingSystem.IsLinux();

    /// <summary>Now, in nanoseconds from an arbitrary origin.</summary>
    public static long Now()
    {
        if (!IsCpuTime)
        {
            return (long)(Stopwatch.GetTimestamp() * ((double)NanosecondsPerSecond / Stopwatch.Frequency));
        }

        Timespec now;
        if (ClockGetTime(ClockThreadCpuTimeId, &now) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (now.Seconds * NanosecondsPerSecond) + now.Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clockId, Timespec* time);

    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
