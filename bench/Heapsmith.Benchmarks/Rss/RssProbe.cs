using System;
using System.Globalization;
using System.IO;

namespace Heapsmith.Benchmarks.Rss;

// Resident memory of this process as the kernel counts it: current RSS from /proc/self/statm
// (resident pages x page size) and the peak (VmHWM in /proc/self/status), whose high-water mark
// can be reset by writing 5 to /proc/self/clear_refs (Linux 4.0+), so the peak of a workload is
// measured from its own start. Linux only; reading allocates (strings), so never call it inside a
// measured loop.

/// <summary>Reads this process's resident set size.</summary>
internal static class RssProbe
{
    public static bool IsSupported => OperatingSystem.IsLinux() && File.Exists("/proc/self/statm");

    /// <summary>Current resident set size in bytes.</summary>
    public static long CurrentBytes()
    {
        var fields = File.ReadAllText("/proc/self/statm").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    /// <summary>Peak resident set size (VmHWM) in bytes since start or the last <see cref="ResetPeak"/>.</summary>
    public static long PeakBytes() => ParseStatusKilobytes(File.ReadAllText("/proc/self/status"), "VmHWM:") * 1024;

    /// <summary>
    /// Current (VmRSS) and peak (VmHWM) resident bytes from one read of /proc/self/status. Only in one
    /// read is peak >= current guaranteed: the kernel raises its high-water mark lazily (at unmap and
    /// exit) and reports the larger of it and the RSS of that moment, so a peak read after a separate
    /// RSS read can be lower when memory was returned in between.
    /// </summary>
    public static (long Current, long Peak) Snapshot()
    {
        var status = File.ReadAllText("/proc/self/status");
        return (ParseStatusKilobytes(status, "VmRSS:") * 1024, ParseStatusKilobytes(status, "VmHWM:") * 1024);
    }

    /// <summary>Starts a new peak measurement at the current RSS; false when the kernel does not allow it.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>The value of a "<c>Key:   1234 kB</c>" line of /proc/self/status, in kB.</summary>
    internal static long ParseStatusKilobytes(string status, string key)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var parts = line[key.Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(parts[0], CultureInfo.InvariantCulture);
            }
        }

        throw new FormatException($"no {key} line in /proc/self/status");
    }
}
