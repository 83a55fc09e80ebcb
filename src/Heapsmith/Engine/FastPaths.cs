using System.Runtime.CompilerServices;

namespace Heapsmith.Engine;

// The inlined small-block allocation shared by the static heap and arenas, which differ only in
// how they find the calling thread's heap (StaticHeap: a [ThreadStatic] pointer per spec;
// ArenaHeap: a per-thread map keyed by core id): pop the direct page of the size class
// (SmallAlloc.TryPop), set the canary when canaries are on.
//
// The free fast path is written out in each of them instead: shared here, it took the core as an
// argument, and the JIT then loaded the core on every free, not only in the slow branches
// (measured: 3.8 -> 4.0 ns a pair, with the core passed by value or by reference alike).
internal static unsafe class FastPaths<TSpec>
    where TSpec : struct, IHeapSpec
{
    /// <summary>A small block (Padded(size) at most MaxSmallSize, tested by the caller) popped from <paramref name="heap"/>, or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* TryPopSmall(ThreadHeap* heap, nuint size)
    {
        if (heap == null)
        {
            return null;
        }

        var sizeClass = TSpec.SizeClassOf(HeapCheck<TSpec>.Padded(size));
        var block = SmallAlloc<TSpec>.TryPop(heap, sizeClass);
        if (HeapCheck<TSpec>.HasCanary && block != null)
        {
            HeapCheck<TSpec>.SetSmallCanary(block, size, (nuint)TSpec.BlockSize(sizeClass));
        }

        if (LeakTable<TSpec>.Enabled && block != null)
        {
            LeakTable<TSpec>.Record(block, size);
        }

        return block;
    }
}
