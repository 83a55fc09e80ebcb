using System.Runtime.CompilerServices;

namespace Heapsmith.Benchmarks.Allocators;

// mimalloc from the Debian package libmimalloc2.0 (libmimalloc.so.2), called through its mi_*
// exports with an ordinary unmanaged call (the same managed/native transition glibc pays through
// NativeMemory). Unavailable, not an error, when the package is not installed.

/// <summary>mimalloc's <c>mi_malloc</c>/<c>mi_free</c>/<c>mi_realloc</c>.</summary>
internal readonly unsafe struct MimallocAllocator : IAllocator
{
    public const string FileName = "libmimalloc.so.2";

    public static bool IsAvailable => Exports.Library.IsLoaded && Exports.Malloc != null && Exports.Free != null && Exports.Realloc != null;

    public static bool IsThreadSafe => true;

    public static NativeAllocatorLibrary Library => Exports.Library;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => NativeAllocatorLibrary.NotNull(Exports.Malloc(size));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => Exports.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => NativeAllocatorLibrary.NotNull(Exports.Realloc(block, newSize));

    // Static readonly function pointers: the optimizing JIT reads them as constants, so each call
    // is a direct unmanaged call.
    private static class Exports
    {
        public static readonly NativeAllocatorLibrary Library = NativeAllocatorLibrary.Load(FileName);
        public static readonly delegate* unmanaged<nuint, void*> Malloc = (delegate* unmanaged<nuint, void*>)Library.Export("mi_malloc");
        public static readonly delegate* unmanaged<void*, void> Free = (delegate* unmanaged<void*, void>)Library.Export("mi_free");
        public static readonly delegate* unmanaged<void*, nuint, void*> Realloc = (delegate* unmanaged<void*, nuint, void*>)Library.Export("mi_realloc");
    }
}
