// The planner's output for one heap: size classes, their page geometry, the block-index
// reciprocals and the size-to-class lookup. Invariants (SizeClassPlanner guarantees, tests check):
// block sizes strictly ascending multiples of the alignment; for every class, BlocksPerPage >= 2
// blocks fit in PageSpan page units with waste under 1/8 of the page; for every offset o below
// BlocksPerPage * BlockSize, (o * BlockIndexMultiplier) >> BlockIndexShift == o / BlockSize.
namespace Heapsmith.Generators.Model;

/// <summary>Size classes and page geometry of one heap.</summary>
/// <param name="BlockSizes">Block size of each class, ascending.</param>
/// <param name="PageSpans">Page units (of PageSize bytes) in one page of each class.</param>
/// <param name="BlocksPerPage">Blocks in one page of each class.</param>
/// <param name="BlockIndexMultipliers">Per class, <c>ceil(2^BlockIndexShift / BlockSize)</c>.</param>
/// <param name="BlockIndexShift">The shift paired with the multipliers (one for the heap).</param>
/// <param name="Lookup">How a size finds its class.</param>
internal sealed record SizeClassPlan(
    EquatableArray<int> BlockSizes,
    EquatableArray<int> PageSpans,
    EquatableArray<int> BlocksPerPage,
    EquatableArray<ulong> BlockIndexMultipliers,
    int BlockIndexShift,
    SizeClassLookupPlan Lookup)
{
    public int Count => BlockSizes.Count;

    public int MaxSmallSize => BlockSizes[BlockSizes.Count - 1];
}

/// <summary>
/// Size → class: a byte table indexed by <c>(size + Alignment - 1) &gt;&gt; AlignmentShift</c> for
/// sizes up to <see cref="TableLimit"/>; above it (spaced classes only) the log2 formula
/// <c>((size - 1) &gt;&gt; (log2(size - 1) - log2(ClassesPerDoubling))) + ClassesPerDoubling * (log2(size - 1) - GroupShift)</c>.
/// </summary>
/// <param name="Table">Class of each table step.</param>
/// <param name="TableLimit">Largest size the table serves; equal to the largest class when there is no formula.</param>
/// <param name="AlignmentShift">log2 of the table's step (the alignment).</param>
/// <param name="HasFormula">Whether sizes above <see cref="TableLimit"/> use the log2 formula.</param>
/// <param name="ClassesPerDoublingShift">log2 of the classes per doubling (formula only).</param>
/// <param name="GroupShift">log2 of the first power of two from which every doubling holds all its classes (formula only).</param>
internal sealed record SizeClassLookupPlan(
    EquatableArray<byte> Table,
    int TableLimit,
    int AlignmentShift,
    bool HasFormula,
    int ClassesPerDoublingShift,
    int GroupShift);
