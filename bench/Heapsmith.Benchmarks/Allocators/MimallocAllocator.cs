using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.Allocators;

// mimalloc from the Debian package libmimalloc2.0 (libmimalloc.so.2), called through its mi_*
// exports: here with [SuppressGCTransition] function pointers (the cheapest way), through
// PInvokeAllocator<MimallocAllocator> as a user's P/Invoke. Unavailable, not an error, when the
// package is not installed. HEAPSMITH_BENCH_MIMALLOC may name another build (a path), e.g. a newer
// mimalloc built from source.

/// <summary>mimalloc's <c>mi_malloc</c>/<c>mi_free</c>/<c>mi_realloc</c>.</summary>
internal readonly unsafe partial struct MimallocAllocator : INativeAllocator
{
    /// <summary>Environment variable naming another build of the library to load instead (a path).</summary>
    public const string PathVariable = "HEAPSMITH_BENCH_MIMALLOC";

    /// <summary>The library loaded: <c>libmimalloc.so.2</c> unless <see cref="PathVariable"/> names another.</summary>
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

    /// <summary><c>mi_collect(true)</c>: mimalloc's forced collection (the calling thread's heap and abandoned segments).</summary>
    public static void Trim()
    {
        if (Exports.Collect != null)
        {
            Exports.Collect(1);
        }
    }

    [LibraryImport(PInvokeResolver.Mimalloc, EntryPoint = "mi_malloc")]
    public static partial void* PInvokeAlloc(nuint size);

    [LibraryImport(PInvokeResolver.Mimalloc, EntryPoint = "mi_free")]
    public static partial void PInvokeFree(void* block);

    [LibraryImport(PInvokeResolver.Mimalloc, EntryPoint = "mi_realloc")]
    public static partial void* PInvokeRealloc(void* block, nuint newSize);

    // Static readonly function pointers: the optimizing JIT reads them as constants, so each call
    // is a direct unmanaged call.
    private static class Exports
    {
        public static readonly NativeAllocatorLibrary Library = NativeAllocatorLibrary.Load(Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : "libmimalloc.so.2");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*> Malloc = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*>)Library.Export("mi_malloc");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void> Free = (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void>)Library.Export("mi_free");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, nuint, void*> Realloc = (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, nuint, void*>)Library.Export("mi_realloc");
        public static readonly delegate* unmanaged<byte, void> Collect = (delegate* unmanaged<byte, void>)Library.Export("mi_collect");
    }
}
