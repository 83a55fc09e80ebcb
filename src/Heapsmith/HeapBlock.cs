namespace Heapsmith;

/// <summary>A live block of a heap, as <c>VisitBlocks</c> reports it.</summary>
/// <param name="Address">The block's first byte (what <c>Alloc</c> returned).</param>
/// <param name="BlockSize">Bytes the heap set aside for it (its size class, run or mapping).</param>
/// <param name="UsableSize">Bytes the caller may use: <c>UsableSize(Address)</c>.</param>
public readonly record struct HeapBlock(nint Address, nuint BlockSize, nuint UsableSize);

/// <summary>Sees the live blocks of a heap, one at a time (<c>VisitBlocks</c>).</summary>
public interface IHeapBlockVisitor
{
    /// <summary>One live block; return false to stop the walk.</summary>
    /// <param name="block">The block.</param>
    /// <returns>Whether to go on.</returns>
    bool Visit(in HeapBlock block);
}
