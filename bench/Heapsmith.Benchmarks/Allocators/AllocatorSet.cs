using System;
using System.Collections.Generic;

namespace Heapsmith.Benchmarks.Allocators;

// The one place that maps AllocatorKind to an IAllocator type: the dispatch switch runs once per
// benchmark invocation (which holds thousands of operations), never per allocation. Also decides
// which allocators a case runs with: unavailable competitors are left out (a missing Debian package
// skips them cleanly), single-threaded heaps stay out of multi-threaded cases, and the quick mode
// measures fewer Heapsmith configurations.

/// <summary>Dispatch and selection of the allocators under test.</summary>
internal static class AllocatorSet
{
    /// <summary>Runs <paramref name="workload"/> with the allocator <paramref name="kind"/> as its type argument.</summary>
    public static void Run<TWorkload>(AllocatorKind kind, ref TWorkload workload)
        where TWorkload : struct, IAllocatorWorkload
    {
        PInvokeResolver.Ensure();
        if (!IsAvailable(kind))
        {
            throw new InvalidOperationException($"{kind} is not available here: {UnavailableReason(kind)}");
        }

        switch (kind)
        {
            case AllocatorKind.Baseline: workload.Run<FreeListBaseline>(); break;
            case AllocatorKind.Glibc: workload.Run<GlibcAllocator>(); break;
            case AllocatorKind.Mimalloc: workload.Run<MimallocAllocator>(); break;
            case AllocatorKind.Jemalloc: workload.Run<JemallocAllocator>(); break;
            case AllocatorKind.Tcmalloc: workload.Run<TcmallocAllocator>(); break;
            case AllocatorKind.GlibcPInvoke: workload.Run<PInvokeAllocator<GlibcAllocator>>(); break;
            case AllocatorKind.MimallocPInvoke: workload.Run<PInvokeAllocator<MimallocAllocator>>(); break;
            case AllocatorKind.JemallocPInvoke: workload.Run<PInvokeAllocator<JemallocAllocator>>(); break;
            case AllocatorKind.TcmallocPInvoke: workload.Run<PInvokeAllocator<TcmallocAllocator>>(); break;
            case AllocatorKind.Heapsmith: workload.Run<HeapsmithAllocator>(); break;
            case AllocatorKind.HeapsmithUnsync: workload.Run<HeapsmithUnsyncAllocator>(); break;
            case AllocatorKind.HeapsmithPow2: workload.Run<HeapsmithPow2Allocator>(); break;
            case AllocatorKind.HeapsmithArena: workload.Run<HeapsmithArenaAllocator>(); break;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    public static bool IsAvailable(AllocatorKind kind) => NativeOf(kind) switch
    {
        AllocatorKind.Glibc => GlibcAllocator.IsAvailable,
        AllocatorKind.Mimalloc => MimallocAllocator.IsAvailable,
        AllocatorKind.Jemalloc => JemallocAllocator.IsAvailable,
        AllocatorKind.Tcmalloc => TcmallocAllocator.IsAvailable,
        _ => Enum.IsDefined(kind),
    };

    /// <summary>Whether <paramref name="kind"/> calls a native library through [LibraryImport] (the GC transition included).</summary>
    public static bool IsPInvoke(AllocatorKind kind) => kind is AllocatorKind.GlibcPInvoke or AllocatorKind.MimallocPInvoke or AllocatorKind.JemallocPInvoke or AllocatorKind.TcmallocPInvoke;

    /// <summary>The native allocator <paramref name="kind"/> reaches (its cheapest-way kind), or <paramref name="kind"/> itself.</summary>
    public static AllocatorKind NativeOf(AllocatorKind kind) => kind switch
    {
        AllocatorKind.GlibcPInvoke => AllocatorKind.Glibc,
        AllocatorKind.MimallocPInvoke => AllocatorKind.Mimalloc,
        AllocatorKind.JemallocPInvoke => AllocatorKind.Jemalloc,
        AllocatorKind.TcmallocPInvoke => AllocatorKind.Tcmalloc,
        _ => kind,
    };

    public static bool IsThreadSafe(AllocatorKind kind) => kind switch
    {
        AllocatorKind.Baseline => FreeListBaseline.IsThreadSafe,
        AllocatorKind.Glibc => GlibcAllocator.IsThreadSafe,
        AllocatorKind.Mimalloc => MimallocAllocator.IsThreadSafe,
        AllocatorKind.Jemalloc => JemallocAllocator.IsThreadSafe,
        AllocatorKind.Tcmalloc => TcmallocAllocator.IsThreadSafe,
        AllocatorKind.GlibcPInvoke or AllocatorKind.MimallocPInvoke or AllocatorKind.JemallocPInvoke or AllocatorKind.TcmallocPInvoke => true,
        AllocatorKind.Heapsmith => HeapsmithAllocator.IsThreadSafe,
        AllocatorKind.HeapsmithUnsync => HeapsmithUnsyncAllocator.IsThreadSafe,
        AllocatorKind.HeapsmithPow2 => HeapsmithPow2Allocator.IsThreadSafe,
        AllocatorKind.HeapsmithArena => HeapsmithArenaAllocator.IsThreadSafe,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>Why <paramref name="kind"/> cannot run, or null when it can.</summary>
    public static string? UnavailableReason(AllocatorKind kind) => NativeOf(kind) switch
    {
        AllocatorKind.Glibc when !GlibcAllocator.IsAvailable => "libc.so.6 did not give malloc/free/realloc",
        AllocatorKind.Mimalloc when !MimallocAllocator.IsAvailable =>
            $"{MimallocAllocator.FileName} did not load ({MimallocAllocator.Library.LoadErrorSummary ?? "missing exports"}); install the Debian package libmimalloc2.0",
        AllocatorKind.Jemalloc when !JemallocAllocator.IsAvailable =>
            $"{JemallocAllocator.FileName} did not load ({JemallocAllocator.Library.LoadErrorSummary ?? "missing exports"}); install the Debian package libjemalloc2 and start the process with GLIBC_TUNABLES={JemallocAllocator.StaticTlsTunable}",
        AllocatorKind.Tcmalloc when !TcmallocAllocator.IsAvailable =>
            $"{TcmallocAllocator.FileName} did not load ({TcmallocAllocator.Library.LoadErrorSummary ?? "missing exports"}); install the Debian package libtcmalloc-minimal4",
        _ => null,
    };

    /// <summary>
    /// The allocators a case runs with, in report order.
    /// </summary>
    /// <param name="multiThreaded">The case frees blocks on other threads: single-threaded allocators are left out.</param>
    /// <param name="withBaseline">Include the C# bound (the free-list cache).</param>
    /// <param name="withPInvoke">Include the natives called through [LibraryImport] too (besides the cheapest way).</param>
    public static IEnumerable<AllocatorKind> ForCase(bool multiThreaded, bool withBaseline = false, bool withPInvoke = false)
    {
        PInvokeResolver.Ensure();
        foreach (var kind in Enum.GetValues<AllocatorKind>())
        {
            if ((kind == AllocatorKind.Baseline && !withBaseline)
                || (IsPInvoke(kind) && !withPInvoke)
                || (multiThreaded && !IsThreadSafe(kind))
                || (kind == AllocatorKind.HeapsmithPow2 && BenchOptions.Quick)
                || !IsAvailable(kind))
            {
                continue;
            }

            yield return kind;
        }
    }
}
