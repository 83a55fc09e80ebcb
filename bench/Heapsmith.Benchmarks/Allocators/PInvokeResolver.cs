using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.Allocators;

// The [LibraryImport] declarations of the competitors name a library by a short logical name;
// this resolver maps each to the handle NativeAllocatorLibrary already loaded (the same file the
// function pointers come from, HEAPSMITH_BENCH_* overrides included), so both ways of calling a
// competitor reach the same code. Other names ("libc") go to the runtime's default probing.

/// <summary>Maps the competitors' logical P/Invoke library names to their loaded handles.</summary>
internal static class PInvokeResolver
{
    public const string Mimalloc = "heapsmith-bench-mimalloc";
    public const string Jemalloc = "heapsmith-bench-jemalloc";
    public const string Tcmalloc = "heapsmith-bench-tcmalloc";

    private static int s_registered;

    /// <summary>Registers the resolver once per process; called before any allocator is used.</summary>
    public static void Ensure()
    {
        if (System.Threading.Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(PInvokeResolver).Assembly, Resolve);
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) => name switch
    {
        Mimalloc => MimallocAllocator.Library.Handle,
        Jemalloc => JemallocAllocator.Library.Handle,
        Tcmalloc => TcmallocAllocator.Library.Handle,
        _ => IntPtr.Zero,
    };
}
