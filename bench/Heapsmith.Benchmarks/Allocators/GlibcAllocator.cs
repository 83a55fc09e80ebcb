using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.Allocators;

// glibc's malloc (ptmalloc2), the process's own. The cheapest way: function pointers from dlsym on
// libc.so.6 with [SuppressGCTransition]; the P/Invoke way (PInvokeAllocator<GlibcAllocator>):
// [LibraryImport("libc")], what NativeMemory.Alloc also amounts to (it P/Invokes the runtime's
// System.Native shim, which calls malloc).

/// <summary>The C runtime's malloc/free/realloc.</summary>
internal readonly unsafe partial struct GlibcAllocator : INativeAllocator
{
    public static bool IsAvailable => Exports.Malloc != null && Exports.Free != null && Exports.Realloc != null;

    public static bool IsThreadSafe => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => NativeAllocatorLibrary.NotNull(Exports.Malloc(size));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => Exports.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => NativeAllocatorLibrary.NotNull(Exports.Realloc(block, newSize));

    /// <summary><c>malloc_trim(0)</c>: every arena's free memory back to the OS.</summary>
    public static void Trim() => MallocTrim(0);

    [LibraryImport("libc", EntryPoint = "malloc")]
    public static partial void* PInvokeAlloc(nuint size);

    [LibraryImport("libc", EntryPoint = "free")]
    public static partial void PInvokeFree(void* block);

    [LibraryImport("libc", EntryPoint = "realloc")]
    public static partial void* PInvokeRealloc(void* block, nuint newSize);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    // Static readonly function pointers: the optimizing JIT reads them as constants.
    private static class Exports
    {
        public static readonly NativeAllocatorLibrary Library = NativeAllocatorLibrary.Load("libc.so.6");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*> Malloc = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nuint, void*>)Library.Export("malloc");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void> Free = (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, void>)Library.Export("free");
        public static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, nuint, void*> Realloc = (delegate* unmanaged[Cdecl, SuppressGCTransition]<void*, nuint, void*>)Library.Export("realloc");
    }
}
