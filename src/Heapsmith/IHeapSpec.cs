using System.ComponentModel;

namespace Heapsmith;

/// <summary>
/// The compile-time description of one heap, implemented by a <c>struct</c> the generator emits
/// (or by hand, in tests). The engine is generic over it: every member is a constant or a lookup
/// in constant data, so the JIT folds the configuration into each engine path, with no interface
/// or virtual call left on a fast path.
/// </summary>
/// <remarks>
/// Invariants the generator guarantees (and <c>SizeClassPlanner</c> tests):
/// block sizes are strictly ascending multiples of <see cref="Alignment"/>;
/// <c>BlockSize(SizeClassCount - 1) == MaxSmallSize</c>;
/// for every <c>0 &lt; n &lt;= MaxSmallSize</c>, <c>BlockSize(SizeClassOf(n)) &gt;= n</c> and it is the
/// smallest such class; <c>SizeClassOf(0) == 0</c>;
/// a page of class <c>c</c> is <c>PageSpan(c)</c> units of <c>1 &lt;&lt; PageShift</c> bytes holding
/// <c>BlocksPerPage(c)</c> blocks; for every offset <c>o</c> inside the blocks of that page,
/// <c>(o * BlockIndexMultiplier(c)) &gt;&gt; BlockIndexShift == o / BlockSize(c)</c>.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IHeapSpec
{
    /// <summary>The heap's name, as in error messages (the declaring class's full name).</summary>
    static abstract string Name { get; }

    /// <summary>Number of small size classes.</summary>
    static abstract int SizeClassCount { get; }

    /// <summary>Largest small size: the block size of the last class.</summary>
    static abstract int MaxSmallSize { get; }

    /// <summary>Minimum alignment of every block (a power of two).</summary>
    static abstract int Alignment { get; }

    /// <summary>log2 of the page unit (<c>PageSize</c>).</summary>
    static abstract int PageShift { get; }

    /// <summary>log2 of <c>SegmentSize</c>.</summary>
    static abstract int SegmentShift { get; }

    /// <summary>Shift paired with <see cref="BlockIndexMultiplier"/>.</summary>
    static abstract int BlockIndexShift { get; }

    /// <summary><c>false</c>: no atomics, no thread caches.</summary>
    static abstract bool ThreadSafe { get; }

    /// <summary>Where address space comes from.</summary>
    static abstract HeapBackend Backend { get; }

    /// <summary>Run-time checks.</summary>
    static abstract HeapChecks Checks { get; }

    /// <summary>Delay before free pages are purged: 0 at once, -1 never.</summary>
    static abstract int PurgeDelayMs { get; }

    /// <summary>Cap on committed memory in bytes, 0 for none (the initial value of the heap's run-time limit).</summary>
    static virtual long MemoryLimit => 0;

    /// <summary>The size class serving <paramref name="size"/> (<c>size &lt;= MaxSmallSize</c>).</summary>
    static abstract int SizeClassOf(nuint size);

    /// <summary>Block size of class <paramref name="sizeClass"/>.</summary>
    static abstract int BlockSize(int sizeClass);

    /// <summary>Page units (of <c>1 &lt;&lt; PageShift</c> bytes) in one page of the class.</summary>
    static abstract int PageSpan(int sizeClass);

    /// <summary>Blocks in one page of the class.</summary>
    static abstract int BlocksPerPage(int sizeClass);

    /// <summary>Multiplier that turns a byte offset in a page into a block index without a division.</summary>
    static abstract ulong BlockIndexMultiplier(int sizeClass);
}
