using System;
using System.Threading;

namespace Heapsmith.Os;

/// <summary>
/// The engine's only door to the OS: dispatches to the backend a heap was configured with.
/// Called on slow paths only. <c>backend</c> is a JIT-time constant (it comes from the heap's
/// spec), so the switch folds away.
/// </summary>
/// <remarks>
/// Fault injection for tests lives here, in front of every backend, so out-of-memory handling is
/// tested the same way for all of them.
/// </remarks>
internal static unsafe class OsMemory
{
    /// <summary>The granule of purging and commit: 4 KiB on the platforms supported.</summary>
    public const int OsPageSize = 4096;

    /// <summary>Number of upcoming Reserve/Commit calls to refuse (tests only); negative = refuse all.</summary>
    private static int s_refusals;

    /// <summary>Makes the next <paramref name="count"/> reservations fail (negative: all of them until reset).</summary>
    internal static void RefuseNext(int count) => Volatile.Write(ref s_refusals, count);

    private static bool ShouldRefuse()
    {
        var refusals = Volatile.Read(ref s_refusals);
        if (refusals == 0)
        {
            return false;
        }

        if (refusals > 0)
        {
            Interlocked.Decrement(ref s_refusals);
        }

        return true;
    }

    public static bool IsSupported(HeapBackend backend) => backend switch
    {
        HeapBackend.Mmap => MmapBackend.IsSupported,
        HeapBackend.Brk => BrkBackend.IsSupported,
        HeapBackend.NativeMemory => NativeMemoryBackend.IsSupported,
        _ => false,
    };

    public static void* Reserve(HeapBackend backend, nuint size, nuint alignment)
    {
        if (ShouldRefuse())
        {
            return null;
        }

        return backend switch
        {
            HeapBackend.Mmap => MmapBackend.Reserve(size, alignment),
            HeapBackend.Brk => BrkBackend.Reserve(size, alignment),
            HeapBackend.NativeMemory => NativeMemoryBackend.Reserve(size, alignment),
            _ => throw Unsupported(backend),
        };
    }

    public static bool Commit(HeapBackend backend, void* address, nuint size)
    {
        if (ShouldRefuse())
        {
            return false;
        }

        return backend switch
        {
            HeapBackend.Mmap => MmapBackend.Commit(address, size),
            HeapBackend.Brk => BrkBackend.Commit(address, size),
            HeapBackend.NativeMemory => NativeMemoryBackend.Commit(address, size),
            _ => throw Unsupported(backend),
        };
    }

    public static void Purge(HeapBackend backend, void* address, nuint size)
    {
        switch (backend)
        {
            case HeapBackend.Mmap: MmapBackend.Purge(address, size); break;
            case HeapBackend.Brk: BrkBackend.Purge(address, size); break;
            case HeapBackend.NativeMemory: NativeMemoryBackend.Purge(address, size); break;
            default: throw Unsupported(backend);
        }
    }

    public static void Release(HeapBackend backend, void* address, nuint size)
    {
        switch (backend)
        {
            case HeapBackend.Mmap: MmapBackend.Release(address, size); break;
            case HeapBackend.Brk: BrkBackend.Release(address, size); break;
            case HeapBackend.NativeMemory: NativeMemoryBackend.Release(address, size); break;
            default: throw Unsupported(backend);
        }
    }

    private static PlatformNotSupportedException Unsupported(HeapBackend backend) =>
        new($"Heapsmith backend {backend} is not available in this build.");
}
