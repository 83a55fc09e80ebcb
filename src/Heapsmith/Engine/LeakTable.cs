using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Heapsmith.Engine;

// Allocation sites of live blocks (HeapChecks.Leaks), as Unity's leak detection with stack traces,
// jemalloc's prof_leak and LeakSanitizer report them. Every allocating call of a heap whose spec
// has the flag records the block's address, its requested size and a stack trace (captured
// without file information; resolved to a site only when a report is written); every free forgets
// it. One table per spec, shared by its static heap and arenas (addresses are unique; a report
// keeps its heap's blocks by segment). A testing aid: a stack trace per allocation costs
// microseconds, not nanoseconds.
//
// The site of a block is the first frame outside Heapsmith's assembly that is not a generated heap
// member ([GeneratedCode("Heapsmith.Generators")]): the method that called Alloc.
internal static unsafe class LeakTable<TSpec>
    where TSpec : struct, IHeapSpec
{
    private static readonly object s_lock = new();
    private static readonly Dictionary<nint, (nuint Size, StackTrace Trace)> s_live = new();
    private static bool s_exitHooked;

    /// <summary>Where the static heap's report at process exit and an arena's at Dispose go (tests redirect it).</summary>
    internal static TextWriter? ReportTo;

    /// <summary>Allocations per thread between two recorded ones with LeakSamples.</summary>
    public const int SampleInterval = 64;

    [ThreadStatic]
    private static int t_untilSample;

    /// <summary>Whether sites are tracked, of every block or of samples (a JIT-time constant).</summary>
    public static bool Enabled
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (TSpec.Checks & (HeapChecks.Leaks | HeapChecks.LeakSamples)) != 0;
    }

    /// <summary>Whether only samples are recorded (LeakSamples without Leaks).</summary>
    private static bool Sampled => (TSpec.Checks & (HeapChecks.Leaks | HeapChecks.LeakSamples)) == HeapChecks.LeakSamples;

    /// <summary>Records a block just handed out for <paramref name="size"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Record(void* block, nuint size)
    {
        if (block == null)
        {
            return;
        }

        if (Sampled && t_untilSample-- > 0)
        {
            return;
        }

        t_untilSample = SampleInterval - 1;
        var trace = new StackTrace(1, false);
        lock (s_lock)
        {
            s_live[(nint)block] = (size, trace);
            if (!s_exitHooked)
            {
                s_exitHooked = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => ReportStaticAtExit();
            }
        }
    }

    /// <summary>Forgets a block being freed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Forget(void* block)
    {
        lock (s_lock)
        {
            s_live.Remove((nint)block);
        }
    }

    /// <summary>
    /// Writes the live blocks of heap <paramref name="heapId"/> grouped by allocation site, the
    /// most bytes first; forgets them when <paramref name="forget"/> (an arena's Dispose). Returns
    /// the blocks listed.
    /// </summary>
    public static int Report(long heapId, TextWriter writer, bool forget)
    {
        List<(nint Block, nuint Size, StackTrace Trace)> blocks;
        lock (s_lock)
        {
            blocks = s_live.Where(e => HeapOf(e.Key) == heapId).Select(e => (e.Key, e.Value.Size, e.Value.Trace)).ToList();
            if (forget)
            {
                foreach (var block in blocks)
                {
                    s_live.Remove(block.Block);
                }
            }
        }

        if (blocks.Count == 0)
        {
            return 0;
        }

        var sites = blocks
            .GroupBy(b => SiteOf(b.Trace))
            .Select(g => (Site: g.Key, Count: g.Count(), Bytes: g.Aggregate(0UL, (sum, b) => sum + b.Size), Trace: g.First().Trace))
            .OrderByDescending(s => s.Bytes)
            .ToList();
        var text = new StringBuilder();
        var what = Sampled ? $"sampled live blocks (about 1 allocation in {SampleInterval} is recorded)" : "live blocks";
        text.Append($"Heap '{TSpec.Name}': {blocks.Count} {what} ({blocks.Aggregate(0UL, (sum, b) => sum + b.Size)} bytes) at {sites.Count} allocation sites\n");
        foreach (var (site, count, bytes, trace) in sites)
        {
            text.Append($"  {count} blocks, {bytes} bytes, allocated at {site}\n");
            foreach (var caller in UserFrames(trace).Skip(1).Take(3))
            {
                text.Append($"      from {caller}\n");
            }
        }

        writer.Write(text.ToString());
        return blocks.Count;
    }

    /// <summary>The heap id of the segment a recorded block lies in (0 once the segment is gone).</summary>
    private static long HeapOf(nint block)
    {
        var page = SegmentLayout<TSpec>.PageOf((void*)block);
        return page == null ? 0 : SegmentLayout<TSpec>.SegmentOfDescriptor(page)->HeapId;
    }

    private static void ReportStaticAtExit()
    {
        var writer = ReportTo ?? Console.Error;
        Report(StaticHeap<TSpec>.Core.Id, writer, forget: false);
        writer.Flush();
    }

    /// <summary>Reports an arena's live blocks at its Dispose, and forgets them.</summary>
    public static void ReportAtDispose(long heapId) => Report(heapId, ReportTo ?? Console.Error, forget: true);

    private static string SiteOf(StackTrace trace)
    {
        var frames = UserFrames(trace);
        return frames.Count > 0 ? frames[0] : "(unknown)";
    }

    /// <summary>The frames of <paramref name="trace"/> outside Heapsmith and its generated members, as Type.Method.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "A testing aid: in a trimmed app a frame whose metadata is gone shows as (unknown).")]
    private static List<string> UserFrames(StackTrace trace)
    {
        var sites = new List<string>();
        foreach (var frame in trace.GetFrames())
        {
            var method = frame.GetMethod();
            if (method == null || method.DeclaringType?.Assembly == typeof(LeakTable<>).Assembly || IsGenerated(method))
            {
                continue;
            }

            sites.Add($"{method.DeclaringType?.FullName}.{method.Name}");
        }

        return sites;
    }

    private static bool IsGenerated(MethodBase method)
    {
        foreach (var attribute in method.GetCustomAttributes<System.CodeDom.Compiler.GeneratedCodeAttribute>())
        {
            if (attribute.Tool == "Heapsmith.Generators")
            {
                return true;
            }
        }

        return false;
    }
}
