using System.Runtime.CompilerServices;

namespace Heapsmith.Benchmarks.Allocators;

/// <summary>A native allocator called the way a user's P/Invoke calls it (see <see cref="INativeAllocator"/>).</summary>
internal readonly unsafe struct PInvokeAllocator<TNative> : IAllocator
    where TNative : struct, INativeAllocator
{
    public static bool IsAvailable => TNative.IsAvailable;

    public static bool IsThreadSafe => TNative.IsThreadSafe;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Alloc(nuint size) => NativeAllocatorLibrary.NotNull(TNative.PInvokeAlloc(size));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Free(void* block) => TNative.PInvokeFree(block);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Realloc(void* block, nuint newSize) => NativeAllocatorLibrary.NotNull(TNative.PInvokeRealloc(block, newSize));

    public static void Trim() => TNative.Trim();
}
