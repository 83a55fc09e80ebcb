// Small statement-level edits shared by the fixes: insert next to a statement that may be an
// embedded statement (`if (c) Free(p);` gets a block first), and find the statement a call stands as.
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Heapsmith.CodeFixes;

internal static class StatementEdits
{
    /// <summary>The expression statement that is exactly <paramref name="call"/>, or null when the call is part of a larger expression.</summary>
    public static ExpressionStatementSyntax? StatementOf(SyntaxNode call) =>
        call.Parent is ExpressionStatementSyntax statement && statement.Expression == call ? statement : null;

    /// <summary>True when <paramref name="statement"/> sits directly in a block or switch section (so siblings can go next to it).</summary>
    public static bool HasStatementList(StatementSyntax statement) => statement.Parent is BlockSyntax or SwitchSectionSyntax;

    /// <summary>Puts <paramref name="inserted"/> before or after <paramref name="anchor"/> (found in <paramref name="root"/>), making a block when the anchor is an embedded statement.</summary>
    public static SyntaxNode Insert(SyntaxNode root, StatementSyntax anchor, StatementSyntax inserted, bool after)
    {
        var statement = inserted.WithAdditionalAnnotations(Formatter.Annotation);
        if (HasStatementList(anchor))
        {
            return after ? root.InsertNodesAfter(anchor, new[] { statement }) : root.InsertNodesBefore(anchor, new[] { statement });
        }

        IEnumerable<StatementSyntax> statements = after
            ? new[] { anchor.WithoutTrivia(), statement }
            : new[] { statement, anchor.WithoutTrivia() };
        var block = SyntaxFactory.Block(statements)
            .WithTriviaFrom(anchor)
            .WithAdditionalAnnotations(Formatter.Annotation);
        return root.ReplaceNode(anchor, block);
    }

    /// <summary>The argument with casts and parentheses removed.</summary>
    public static ExpressionSyntax Unwrap(ExpressionSyntax expression)
    {
        while (true)
        {
            switch (expression)
            {
                case CastExpressionSyntax cast:
                    expression = cast.Expression;
                    break;
                case ParenthesizedExpressionSyntax parenthesized:
                    expression = parenthesized.Expression;
                    break;
                default:
                    return expression;
            }
        }
    }

    /// <summary>The first argument of a call, unwrapped; null when there is none.</summary>
    public static ExpressionSyntax? PointerArgument(InvocationExpressionSyntax call) =>
        call.ArgumentList.Arguments.FirstOrDefault() is { } argument ? Unwrap(argument.Expression) : null;
}
