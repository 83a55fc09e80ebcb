// The locals and parameters of a method that its lambdas or local functions capture: a block
// stored in one of them outlives the method's own control flow (handed over, never a leak).
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Heapsmith.Analyzers.Flow;

internal static class CapturedVariables
{
    public static HashSet<ISymbol> Of(IOperation body)
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

        return captured;
    }
}
