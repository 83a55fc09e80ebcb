using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.Allocators;

// jemalloc from the Debian package libjemalloc2 (libjemalloc.so.2). Its exports are the unprefixed
// malloc/free/realloc; loaded with dlopen (RTLD_LOCAL) and called through the addresses dlsym gives
// for its own handle, they are jemalloc's and the process's malloc stays glibc's. Called here with
// [SuppressGCTransition] function pointers; PInvokeAllocator<JemallocAllocator> is the P/Invoke way.
// HEAPSMITH_BENCH_JEMALLOC may name another build (a path).
// jemalloc uses initial-exec TLS, which needs room in the static TLS block that the .NET runtime's
// own libraries have already used: dlopen fails with "cannot allocate memory in static TLS block"
// unless the process starts with GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384 (the bench
// sets it for every benchmark process; see docs/benchmarks.md).

/// <summary>jemalloc's <c>malloc</c>/<c>free</c>/<c>realloc</c> from its own library handle.</summary>
internal readonly unsafe partial struct JemallocAllocator : INativeAllocator
{
    /// <summary>Environment variable naming another build of the library to load instead (a path).</summary>
    public const string PathVariable = "HEAPSMITH_BENCH_JEMALLOC";

    /// <summary>The library loaded: <c>libjemalloc.so.2</c> unless <see cref="PathVariable"/> names another.</summary>
    public static string FileName => Exports.Library.FileName;

    /// <summary>The glibc tunable that gives dlopen the static TLS room jemalloc needs.</summary>
    public const string StaticTlsTunable = "glibc.rtld.optional_static_tls=16384";

    public static bool IsAvailable => Exports.Library.IsLoaded && Exports.Malloc != null && Exports.Free != null && Exports.Realloc != null;

    public static bool IsThreadSafe => true;

    public static NativeAllocatorLibrary Library => Exports.Library;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => NativeAllocatorLibrary.NotNull(Exports.Malloc(size));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => Exports.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => NativeAllocatorLibrary.NotNull(Exports.Realloc(block, newSize));

    /// <summary>Flushes the calling thread's cache, then purges every arena (<c>arena.4096.purge</c>, 4096 = MALLCTL_ARENAS_ALL).</summary>
    public static void Trim()
    {
        if (Exports.Mallctl == null)
        {
            return;
        }

        foreach (var name in (ReadOnlySpan<string>)["thread.tcache.flush", "arena.4096.purge"])
        {
            var bytes = System.Text.Encoding.ASCII.GetBytes(name + "\0");
            fixed (byte* text = bytes)
            {
                Exports.Mallctl(text, null, null, null, 0);
            }
        }
    }

    [LibraryImport(PInvokeResolver.Jemalloc, EntryPoint = "malloc")]
    public static partial void* PInvokeAlloc(nuint size);

    [LibraryImport(PInvokeResolver.Jemalloc, EntryPoint = "free")]
    public static partial void PInvokeFree(void* block);

    [LibraryImport(PInvokeResolver.Jemalloc, EntryPoint = "realloc")]
    public static partial void* PInvokeRealloc(void* block, nuint newSize);

    private static class Exports
    {
        public static readonly NativeAllocatorLibrary Library = NativeAllocatorLibrary.Load(Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : "libjemalloc.so.2");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*> Malloc = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*>)Library.Export("malloc");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void> Free = (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void>)Library.Export("free");
        public static readonly delegate* unmanaged<byte*, void*, nuint*, void*, nuint, int> Mallctl = (delegate* unmanaged<byte*, void*, nuint*, void*, nuint, int>)Library.Export("mallctl");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, nuint, void*> Realloc = (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, nuint, void*>)Library.Export("realloc");
    }
}
