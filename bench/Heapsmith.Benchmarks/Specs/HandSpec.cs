using System.Runtime.CompilerServices;

namespace Heapsmith.Benchmarks.Specs;

// A hand-written IHeapSpec for the bench's heaps, standing in for the spec struct the generator
// will emit (today it emits only the size-class table and GoodSize). Defaults of HeapConfigAttribute
// except what TConfig says, so the backend is Mmap like the declared heaps' (the placeholder engine
// in this branch ignores it; the Mmap backend is in main).
// Per generic instantiation the table is a separate static, built once.

/// <summary>The engine spec of a bench heap, derived from <typeparamref name="TConfig"/>.</summary>
internal readonly struct HandSpec<TConfig> : IHeapSpec
    where TConfig : struct, IBenchHeapConfig
{
    internal static readonly SizeClassTable Table = SizeClassTable.Spaced(
        HeapConfigAttribute.DefaultMinBlockSize,
        HeapConfigAttribute.DefaultMaxSmallSize,
        TConfig.ClassesPerDoubling,
        HeapConfigAttribute.DefaultAlignment,
        HeapConfigAttribute.DefaultPageSize);

    public static string Name => TConfig.Name;

    public static int SizeClassCount => Table.BlockSizes.Length;

    public static int MaxSmallSize => HeapConfigAttribute.DefaultMaxSmallSize;

    public static int Alignment => HeapConfigAttribute.DefaultAlignment;

    public static int PageShift => 16;

    public static int SegmentShift => 22;

    public static int BlockIndexShift => SizeClassTable.BlockIndexShift;

    public static bool ThreadSafe => TConfig.ThreadSafe;

    public static HeapBackend Backend => HeapBackend.Mmap;

    public static HeapChecks Checks => HeapChecks.None;

    public static int PurgeDelayMs => HeapConfigAttribute.DefaultPurgeDelayMs;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SizeClassOf(nuint size) => Table.SizeClassOf(size);

    public static int BlockSize(int sizeClass) => Table.BlockSizes[sizeClass];

    public static int PageSpan(int sizeClass) => Table.PageSpans[sizeClass];

    public static int BlocksPerPage(int sizeClass) => Table.BlocksPerPage[sizeClass];

    public static ulong BlockIndexMultiplier(int sizeClass) => Table.Multipliers[sizeClass];
}
