using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.Allocators;

// glibc's malloc (ptmalloc2), reached the way a .NET program reaches it: NativeMemory, a P/Invoke
// into the runtime's System.Native shim, with its managed/native transition. That transition is a
// real part of what malloc costs a C# caller, so it stays in the measurement.

/// <summary>The C runtime's malloc/free/realloc through <see cref="NativeMemory"/>.</summary>
internal readonly unsafe partial struct GlibcAllocator : IAllocator
{
    public static bool IsAvailable => true;

    public static bool IsThreadSafe => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => NativeAllocatorLibrary.NotNull(NativeMemory.Alloc(size));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => NativeMemory.Free(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => NativeAllocatorLibrary.NotNull(NativeMemory.Realloc(block, newSize));

    /// <summary><c>malloc_trim(0)</c>: every arena's free memory back to the OS.</summary>
    public static void Trim() => MallocTrim(0);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);
}
