using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.Allocators;

// tcmalloc (gperftools) from the Debian package libtcmalloc-minimal4 (libtcmalloc_minimal.so.4),
// called through its tc_* exports, loaded with dlopen so the process's malloc stays glibc's. Here
// with [SuppressGCTransition] function pointers; PInvokeAllocator<TcmallocAllocator> is the P/Invoke
// way. HEAPSMITH_BENCH_TCMALLOC may name another build (a path).

/// <summary>tcmalloc's <c>tc_malloc</c>/<c>tc_free</c>/<c>tc_realloc</c>.</summary>
internal readonly unsafe partial struct TcmallocAllocator : INativeAllocator
{
    /// <summary>Environment variable naming another build of the library to load instead (a path).</summary>
    public const string PathVariable = "HEAPSMITH_BENCH_TCMALLOC";

    /// <summary>The library loaded: <c>libtcmalloc_minimal.so.4</c> unless <see cref="PathVariable"/> names another.</summary>
    public static string FileName => Exports.Library.FileName;

    public static bool IsAvailable => Exports.Library.IsLoaded && Exports.Malloc != null && Exports.Free != null && Exports.Realloc != null;

    public static bool IsThreadSafe => true;

    public static NativeAllocatorLibrary Library => Exports.Library;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => NativeAllocatorLibrary.NotNull(Exports.Malloc(size));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => Exports.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => NativeAllocatorLibrary.NotNull(Exports.Realloc(block, newSize));

    /// <summary><c>MallocExtension_ReleaseFreeMemory()</c>: the page heap's free spans back to the OS.</summary>
    public static void Trim()
    {
        if (Exports.Release != null)
        {
            Exports.Release();
        }
    }

    [LibraryImport(PInvokeResolver.Tcmalloc, EntryPoint = "tc_malloc")]
    public static partial void* PInvokeAlloc(nuint size);

    [LibraryImport(PInvokeResolver.Tcmalloc, EntryPoint = "tc_free")]
    public static partial void PInvokeFree(void* block);

    [LibraryImport(PInvokeResolver.Tcmalloc, EntryPoint = "tc_realloc")]
    public static partial void* PInvokeRealloc(void* block, nuint newSize);

    private static class Exports
    {
        public static readonly NativeAllocatorLibrary Library = NativeAllocatorLibrary.Load(Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : "libtcmalloc_minimal.so.4");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*> Malloc = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*>)Library.Export("tc_malloc");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void> Free = (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void>)Library.Export("tc_free");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, nuint, void*> Realloc = (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, nuint, void*>)Library.Export("tc_realloc");
        public static readonly delegate* unmanaged[Cdecl]<void> Release = (delegate* unmanaged[Cdecl]<void>)Library.Export("MallocExtension_ReleaseFreeMemory");
    }
}
