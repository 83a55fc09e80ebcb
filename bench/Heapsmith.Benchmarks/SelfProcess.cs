using System;
using System.Diagnostics;
using System.IO;

namespace Heapsmith.Benchmarks;

// Starting this program again, in a new process: for the --rss children, and to restart the host
// with the glibc tunable jemalloc's dlopen needs (the dynamic loader reads GLIBC_TUNABLES only at
// process start). Works whether the program runs through its apphost or as `dotnet X.dll`.

/// <summary>Builds the start info of another instance of this program.</summary>
internal static class SelfProcess
{
    public static ProcessStartInfo StartInfo(string[] arguments)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(SelfProcess).Assembly.Location);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
