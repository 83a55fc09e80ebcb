// One edit a code fix will make, worked out on the original tree (where the semantic model is
// valid) and applied later to a tree that other fixes may already have changed. Invariant: a plan
// reaches the tree only through the nodes it lists in Tracked, found again with GetCurrentNode,
// so Fix All can apply many plans to one document in order without recomputing semantics.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Heapsmith.CodeFixes;

internal abstract class FixPlan
{
    protected FixPlan(int position, string? mergeKey = null)
    {
        Position = position;
        MergeKey = mergeKey;
    }

    /// <summary>Where the edit sits in the original document: Fix All applies plans in this order.</summary>
    public int Position { get; }

    /// <summary>Plans with the same non-null key make the same edit: Fix All applies one of them.</summary>
    public string? MergeKey { get; }

    /// <summary>The original nodes the plan edits or anchors on.</summary>
    public abstract IEnumerable<SyntaxNode> Tracked { get; }

    /// <summary>Applies the edit to <paramref name="root"/>, which tracks every node of <see cref="Tracked"/>; null when the anchor has gone.</summary>
    public abstract SyntaxNode? Apply(SyntaxNode root);
}
