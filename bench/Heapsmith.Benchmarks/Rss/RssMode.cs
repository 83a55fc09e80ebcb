using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Rss;

// The --rss mode. The parent starts one child process per (case, allocator) with
// `--rss-child <case> <allocator>`; the child runs the case alone and prints one JSON line. A fresh
// process per allocator keeps allocators from polluting each other's RSS (pages a previous
// allocator kept, the runtime's own growth). The parent gathers the lines into one JSON array
// (stdout, or --out <file>) that scripts/bench-report turns into the RSS table. A child that fails
// becomes an entry with an "error" instead of figures, and the exit code says something failed.

/// <summary>Measures resident memory, one allocator per process.</summary>
internal static class RssMode
{
    public static readonly IRssCase[] Cases = [new FragmentationCase(), new ThreadChurnCase(), new IdleProducerCase()];

    /// <summary>Parent: runs every case with every allocator it applies to, each in a child process.</summary>
    public static int RunAll(string? outputPath, bool quick)
    {
        if (!RssProbe.IsSupported)
        {
            Console.Error.WriteLine("--rss needs Linux (/proc/self/statm)");
            return 2;
        }

        var lines = new List<string>();
        var failures = 0;
        foreach (var rssCase in Cases)
        {
            foreach (var allocator in AllocatorSet.ForCase(rssCase.MultiThreaded))
            {
                var (exitCode, output, error) = RunChild(rssCase.Name, allocator, quick);
                var line = output.Split('\n').LastOrDefault(l => l.StartsWith('{'));
                if (exitCode != 0 || line == null)
                {
                    // Keep going: one allocator's failure must not hide the others' figures.
                    failures++;
                    line = FailureJson(rssCase.Name, allocator, $"exit {exitCode}: {error.Trim()}");
                }

                Console.Error.WriteLine($"rss {rssCase.Name,-14} {allocator,-16} {line}");
                lines.Add(line);
            }
        }

        var json = "[\n  " + string.Join(",\n  ", lines) + "\n]\n";
        if (outputPath != null)
        {
            File.WriteAllText(outputPath, json);
        }
        else
        {
            Console.Write(json);
        }

        return failures == 0 ? 0 : 1;
    }

    /// <summary>Child: runs one case with one allocator and prints its JSON line.</summary>
    public static int RunChild(string caseName, string allocatorName, bool quick)
    {
        var rssCase = Cases.FirstOrDefault(c => c.Name == caseName);
        if (rssCase == null || !Enum.TryParse<AllocatorKind>(allocatorName, out var allocator))
        {
            Console.Error.WriteLine($"unknown rss case or allocator: {caseName} {allocatorName}");
            return 2;
        }

        if (!AllocatorSet.IsAvailable(allocator))
        {
            Console.Error.WriteLine(AllocatorSet.UnavailableReason(allocator));
            return 3;
        }

        var recorder = new RssRecorder();
        var clock = Stopwatch.StartNew();
        rssCase.Run(allocator, recorder, quick);
        Console.WriteLine(ToJson(rssCase.Name, allocator, recorder, clock.Elapsed.TotalSeconds));
        return 0;
    }

    internal static string ToJson(string caseName, AllocatorKind allocator, RssRecorder recorder, double seconds)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("case", caseName);
            json.WriteString("allocator", allocator.ToString());
            json.WriteNumber("baselineBytes", recorder.BaselineBytes);
            json.WriteNumber("peakBytes", recorder.PeakAboveBaselineBytes);
            json.WriteBoolean("peakReset", recorder.PeakReset);
            json.WriteStartObject("phases");
            foreach (var (phase, bytes) in recorder.Phases)
            {
                json.WriteNumber(phase, bytes);
            }

            json.WriteEndObject();
            json.WriteNumber("seconds", Math.Round(seconds, 3));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The JSON line of a case that did not run to the end.</summary>
    internal static string FailureJson(string caseName, AllocatorKind allocator, string error)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("case", caseName);
            json.WriteString("allocator", allocator.ToString());
            json.WriteString("error", error.Length > 2000 ? error[..2000] : error);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static (int ExitCode, string Output, string Error) RunChild(string caseName, AllocatorKind allocator, bool quick)
    {
        var start = SelfProcess.StartInfo(["--rss-child", caseName, allocator.ToString(), .. quick ? new[] { "--quick" } : []]);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the rss child");
        var errorTask = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return (child.ExitCode, output, errorTask.Result);
    }
}
