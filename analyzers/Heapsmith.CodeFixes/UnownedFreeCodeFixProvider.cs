// HEAP002 free of memory the deallocator does not own. Reads the diagnostic's OriginKind property
// and its additional location (where the block came from):
// - stackalloc, &variable, fixed: no deallocator owns that memory, so the free statement goes.
// - a block of another allocator: the call becomes that allocator's deallocation, written from the
//   allocating call (`NativeMemory.Free`, `Marshal.FreeHGlobal`, the heap type or the arena
//   expression that allocated it). Offered only when the allocation is in the same member, or its
//   allocator is named by a type, so the replacement binds where the free is.
// An interior pointer (same allocator) has no mechanical fix: which pointer to free is the user's call.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Heapsmith.CodeFixes;

[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UnownedFreeCodeFixProvider))]
[Shared]
internal sealed class UnownedFreeCodeFixProvider : PlannedCodeFixProvider
{
    public const string RemoveKey = "HEAP002.RemoveFree";
    public const string ReplaceKey = "HEAP002.UseMatchingDeallocator";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HEAP002");

    protected override IEnumerable<Offer> Offers(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellation)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax free
            || !diagnostic.Properties.TryGetValue("OriginKind", out var origin))
        {
            yield break;
        }

        if (origin is "Stack" or "AddressOf" or "Fixed")
        {
            if (StatementEdits.StatementOf(free) is { } statement && StatementEdits.HasStatementList(statement))
            {
                var memory = origin == "Stack" ? "stack memory" : origin == "Fixed" ? "pinned memory" : "a variable's address";
                yield return new Offer($"Remove the free of {memory}", RemoveKey, new RemoveFree(statement));
            }

            yield break;
        }

        if (origin != "Allocated" || diagnostic.AdditionalLocations.Count == 0
            || diagnostic.AdditionalLocations[0].SourceTree != root.SyntaxTree
            || root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax allocation
            || Deallocation.Of(allocation, model) is not { } deallocation
            || !(SameMember(allocation, free) || deallocation.IsNamedByType)
            || StatementEdits.PointerArgument(free) is not { } pointer)
        {
            yield break;
        }

        var replacement = deallocation.Call(pointer, model.GetTypeInfo(pointer, cancellation).Type);
        if (replacement.Expression.ToString() == free.Expression.WithoutTrivia().ToString())
        {
            yield break;
        }

        yield return new Offer($"Free with '{replacement.Expression}'", ReplaceKey, new ReplaceNodePlan(free, replacement));
    }

    private static bool SameMember(SyntaxNode a, SyntaxNode b) =>
        a.FirstAncestorOrSelf<MemberDeclarationSyntax>() is { } member && member == b.FirstAncestorOrSelf<MemberDeclarationSyntax>();

    private sealed class RemoveFree : FixPlan
    {
        private readonly StatementSyntax _statement;

        public RemoveFree(StatementSyntax statement)
            : base(statement.SpanStart) => _statement = statement;

        public override IEnumerable<SyntaxNode> Tracked => new[] { _statement };

        public override SyntaxNode? Apply(SyntaxNode root) =>
            root.GetCurrentNode(_statement) is { } statement ? root.RemoveNode(statement, SyntaxRemoveOptions.KeepUnbalancedDirectives) : null;
    }
}
