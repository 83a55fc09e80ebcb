// One edit a code fix will make, worked out on the original tree (where the semantic model is
// valid) and applied later to a tree that other fixes may already have changed. Invariant: a plan
// reaches the tree only through the nodes it lists in Tracked, found again with GetCurrentNode,
// so Fix All can apply many plans to one document in order without recomputing semantics.
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

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

/// <summary>Replaces a node with another, keeping the original's trivia.</summary>
internal sealed class ReplaceNodePlan : FixPlan
{
    private readonly SyntaxNode _node;
    private readonly SyntaxNode _replacement;

    public ReplaceNodePlan(SyntaxNode node, SyntaxNode replacement)
        : base(node.SpanStart)
    {
        _node = node;
        _replacement = replacement;
    }

    public override IEnumerable<SyntaxNode> Tracked => new[] { _node };

    public override SyntaxNode? Apply(SyntaxNode root) =>
        root.GetCurrentNode(_node) is { } node ? root.ReplaceNode(node, _replacement.WithTriviaFrom(node)) : null;
}

/// <summary>Inserts a statement just before or after an anchor statement (StatementEdits.Insert: an embedded anchor gets a block).</summary>
internal sealed class InsertStatementPlan : FixPlan
{
    private readonly StatementSyntax _anchor;
    private readonly StatementSyntax _statement;
    private readonly bool _after;

    public InsertStatementPlan(StatementSyntax anchor, StatementSyntax statement, bool after, string? mergeKey = null)
        : base(anchor.SpanStart, mergeKey)
    {
        _anchor = anchor;
        _statement = statement;
        _after = after;
    }

    public override IEnumerable<SyntaxNode> Tracked => new[] { _anchor };

    public override SyntaxNode? Apply(SyntaxNode root) =>
        root.GetCurrentNode(_anchor) is { } anchor ? StatementEdits.Insert(root, anchor, _statement, _after) : null;
}
