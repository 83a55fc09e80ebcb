namespace Heapsmith.Generators.Model;

/// <summary>
/// Everything the emitter needs about one heap, parsed from its class and [HeapConfig]: plain,
/// equatable data (no symbols, no syntax), so the pipeline caches it across edits.
/// </summary>
internal sealed record HeapSpec(
    HeapTypeInfo Type,
    HeapConfig Config,
    SizeClassPlan Plan);

/// <summary>Where the heap class lives and how to re-declare it.</summary>
/// <param name="Namespace">Containing namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Declarations of the containing types, outermost first, e.g. "partial class Outer".</param>
/// <param name="Name">The heap class's name.</param>
/// <param name="IsStatic">Static heap (process-wide) or instance heap (arena).</param>
/// <param name="FullName">Display name used in messages.</param>
internal sealed record HeapTypeInfo(
    string Namespace,
    EquatableArray<string> ContainingTypes,
    string Name,
    bool IsStatic,
    string FullName);

/// <summary>The attribute's values, defaults filled in.</summary>
internal sealed record HeapConfig(
    int MinBlockSize,
    int MaxSmallSize,
    int ClassesPerDoubling,
    EquatableArray<int> SizeClasses,
    bool HasExplicitSizeClasses,
    int Alignment,
    int PageSize,
    int SegmentSize,
    bool ThreadSafe,
    int Backend,
    int Checks,
    int PurgeDelayMs);

/// <summary>The planner's output: the size classes, ascending.</summary>
internal sealed record SizeClassPlan(EquatableArray<int> BlockSizes)
{
    public int Count => BlockSizes.Count;

    public int MaxSmallSize => BlockSizes[BlockSizes.Count - 1];
}
