// HEAP001 double free. Two actions, offered where each is right:
// - Remove the second free: when it is a statement of its own and the earlier free is a statement
//   that runs on every path to it (an earlier statement of an enclosing block) and the pointer is
//   not re-assigned in between, the second free can only ever free a freed block.
// - Set the pointer to null after the first free: when both frees name the same pointer variable,
//   the second free then frees null, a no-op on every path. Not offered for a free that repeats
//   itself in a loop: the analysis merges the loop's first and later iterations (p is the live
//   block or null, the block may be freed) and would keep reporting the fixed code.
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

[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DoubleFreeCodeFixProvider))]
[Shared]
internal sealed class DoubleFreeCodeFixProvider : PlannedCodeFixProvider
{
    public const string RemoveKey = "HEAP001.RemoveFree";
    public const string SetNullKey = "HEAP001.SetNull";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HEAP001");

    protected override IEnumerable<Offer> Offers(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellation)
    {
        if (diagnostic.AdditionalLocations.Count == 0
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax second
            || root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax first
            || StatementEdits.PointerArgument(second) is not { } secondPointer)
        {
            yield break;
        }

        var pointer = model.GetSymbolInfo(secondPointer, cancellation).Symbol;
        if (StatementEdits.StatementOf(second) is { } secondStatement
            && StatementEdits.StatementOf(first) is { } firstStatement
            && firstStatement != secondStatement
            && RunsBefore(firstStatement, secondStatement)
            && (pointer is null || !AssignedBetween(firstStatement, secondStatement, pointer, model)))
        {
            yield return new Offer("Remove the second free", RemoveKey, new RemoveStatement(secondStatement));
        }

        if (StatementEdits.PointerArgument(first) is IdentifierNameSyntax firstPointer
            && pointer is ILocalSymbol or IParameterSymbol or IFieldSymbol { IsReadOnly: false, IsConst: false }
            && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(firstPointer, cancellation).Symbol, pointer)
            && TypeOf(pointer)?.TypeKind == TypeKind.Pointer
            && first != second
            && StatementEdits.StatementOf(first) is { } freeStatement)
        {
            var clear = SyntaxFactory.ExpressionStatement(SyntaxFactory.AssignmentExpression(
                SyntaxKind.SimpleAssignmentExpression,
                SyntaxFactory.IdentifierName(firstPointer.Identifier.ValueText),
                SyntaxFactory.LiteralExpression(SyntaxKind.NullLiteralExpression)));
            yield return new Offer(
                $"Set '{firstPointer.Identifier.ValueText}' to null after the first free",
                SetNullKey,
                new InsertStatementPlan(freeStatement, clear, after: true, "null@" + freeStatement.SpanStart));
        }
    }

    private static ITypeSymbol? TypeOf(ISymbol symbol) => symbol switch
    {
        ILocalSymbol local => local.Type,
        IParameterSymbol parameter => parameter.Type,
        IFieldSymbol field => field.Type,
        _ => null,
    };

    /// <summary>The first statement runs on every path to the second: it is an earlier statement of a block that encloses the second.</summary>
    private static bool RunsBefore(StatementSyntax first, StatementSyntax second) =>
        first.Parent is BlockSyntax block
        && second.Ancestors().Contains(block)
        && first.Span.End <= second.SpanStart
        && !second.Ancestors().TakeWhile(a => a != block).Any(a => a is CatchClauseSyntax or FinallyClauseSyntax or LocalFunctionStatementSyntax or AnonymousFunctionExpressionSyntax);

    private static bool AssignedBetween(StatementSyntax first, StatementSyntax second, ISymbol pointer, SemanticModel model) =>
        ((BlockSyntax)first.Parent!).DescendantNodes(n => true)
            .Where(n => n.SpanStart >= first.Span.End && n.Span.End <= second.SpanStart)
            .Any(n => n switch
            {
                AssignmentExpressionSyntax assignment => Names(assignment.Left, pointer, model),
                ArgumentSyntax { RefKindKeyword.RawKind: (int)SyntaxKind.RefKeyword or (int)SyntaxKind.OutKeyword } argument => Names(argument.Expression, pointer, model),
                _ => false,
            });

    private static bool Names(ExpressionSyntax expression, ISymbol pointer, SemanticModel model) =>
        StatementEdits.Unwrap(expression) is IdentifierNameSyntax name
        && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, pointer);

    private sealed class RemoveStatement : FixPlan
    {
        private readonly StatementSyntax _statement;

        public RemoveStatement(StatementSyntax statement)
            : base(statement.SpanStart, "remove@" + statement.SpanStart) => _statement = statement;

        public override IEnumerable<SyntaxNode> Tracked => new[] { _statement };

        public override SyntaxNode? Apply(SyntaxNode root)
        {
            if (root.GetCurrentNode(_statement) is not { } statement)
            {
                return null;
            }

            // An embedded statement (`if (c) Free(p);`) cannot go away; it becomes an empty block.
            return StatementEdits.HasStatementList(statement)
                ? root.RemoveNode(statement, SyntaxRemoveOptions.KeepUnbalancedDirectives)
                : root.ReplaceNode(statement, SyntaxFactory.Block().WithTriviaFrom(statement));
        }
    }
}
