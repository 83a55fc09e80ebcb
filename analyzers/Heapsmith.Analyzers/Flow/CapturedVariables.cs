// The locals and parameters of a method that its lambdas or local functions capture: a block
// stored in one of them outlives the method's own control flow (handed over, never a leak).
// Optionally less the pointer variables captured only by local functions that this method only
// calls directly (never as a delegate, never from another body, not async or an iterator): those
// bodies run exactly at their calls, where the dataflow applies their effects (a body that frees
// the block takes it; one that does not leaves it to leak as usual).
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Heapsmith.Analyzers.Flow;

internal static class CapturedVariables
{
    public static HashSet<ISymbol> Of(IOperation body, bool followDirectCalls)
    {
        var captured = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var model = body.SemanticModel;
        var syntax = body.Syntax;
        if (model is null || !syntax.DescendantNodes().Any(n => n is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax))
        {
            return captured;
        }

        var region = syntax switch
        {
            BaseMethodDeclarationSyntax { Body: { } block } => block,
            BaseMethodDeclarationSyntax { ExpressionBody: { } arrow } => arrow.Expression,
            AccessorDeclarationSyntax { Body: { } block } => block,
            AccessorDeclarationSyntax { ExpressionBody: { } arrow } => arrow.Expression,
            LocalFunctionStatementSyntax { Body: { } block } => block,
            LocalFunctionStatementSyntax { ExpressionBody: { } arrow } => arrow.Expression,
            AnonymousFunctionExpressionSyntax { Body: { } lambdaBody } => lambdaBody,
            _ => syntax,
        };
        var flow = region is StatementSyntax statement ? model.AnalyzeDataFlow(statement)
            : region is ExpressionSyntax expression ? model.AnalyzeDataFlow(expression)
            : null;
        if (flow is { Succeeded: true })
        {
            foreach (var symbol in flow.Captured)
            {
                captured.Add(symbol);
            }
        }

        if (followDirectCalls && captured.Count > 0)
        {
            captured.ExceptWith(FollowedAtCalls(model, syntax, captured));
        }

        return captured;
    }

    private static List<ISymbol> FollowedAtCalls(SemanticModel model, SyntaxNode region, HashSet<ISymbol> captured)
    {
        var followed = new List<ISymbol>();
        var names = new HashSet<string>(captured.Select(s => s.Name));
        foreach (var function in region.DescendantNodes().OfType<LocalFunctionStatementSyntax>())
        {
            names.Add(function.Identifier.ValueText);
        }

        // Per local function: called only directly from the region itself. Per captured pointer: the bodies that use it.
        var directOnly = new Dictionary<ISymbol, bool>(SymbolEqualityComparer.Default);
        var usedIn = new Dictionary<ISymbol, HashSet<SyntaxNode>>(SymbolEqualityComparer.Default);
        foreach (var name in region.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            if (!names.Contains(name.Identifier.ValueText))
            {
                continue;
            }

            var symbol = model.GetSymbolInfo(name).Symbol;
            if (symbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction } function)
            {
                var direct = name.Parent is InvocationExpressionSyntax call && call.Expression == name && EnclosingBody(name, region) is null;
                var key = function.OriginalDefinition;
                directOnly[key] = (!directOnly.TryGetValue(key, out var before) || before) && direct;
            }
            else if (symbol is ILocalSymbol or IParameterSymbol && captured.Contains(symbol) && EnclosingBody(name, region) is { } body)
            {
                if (!usedIn.TryGetValue(symbol, out var bodies))
                {
                    usedIn[symbol] = bodies = new HashSet<SyntaxNode>();
                }

                bodies.Add(body);
            }
        }

        foreach (var entry in usedIn)
        {
            var type = entry.Key is ILocalSymbol local ? local.Type : ((IParameterSymbol)entry.Key).Type;
            if (type.TypeKind == TypeKind.Pointer && entry.Value.All(body => RunsOnlyAtDirectCalls(model, region, body, directOnly)))
            {
                followed.Add(entry.Key);
            }
        }

        return followed;
    }

    private static bool RunsOnlyAtDirectCalls(SemanticModel model, SyntaxNode region, SyntaxNode body, Dictionary<ISymbol, bool> directOnly) =>
        body is LocalFunctionStatementSyntax function
        && EnclosingBody(function, region) is null
        && !function.Modifiers.Any(m => m.IsKind(SyntaxKind.AsyncKeyword))
        && !function.DescendantNodes().Any(n => n is YieldStatementSyntax)
        && model.GetDeclaredSymbol(function) is { } symbol
        && (!directOnly.TryGetValue(symbol, out var direct) || direct);

    /// <summary>The innermost lambda or local function within <paramref name="region"/> that contains the node (null: the region's own code).</summary>
    private static SyntaxNode? EnclosingBody(SyntaxNode node, SyntaxNode region)
    {
        for (var current = node.Parent; current is not null && current != region; current = current.Parent)
        {
            if (current is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)
            {
                return current;
            }
        }

        return null;
    }
}
