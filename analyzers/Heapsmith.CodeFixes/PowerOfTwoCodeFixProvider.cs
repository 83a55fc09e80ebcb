// HEAP101 configuration value not a power of two (reported by the generator on the `Name = value`
// attribute argument): replaces the value with the next power of two, the value the diagnostic's
// message proposes. Rounding up keeps every size the user asked for representable.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Heapsmith.CodeFixes;

[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PowerOfTwoCodeFixProvider))]
[Shared]
internal sealed class PowerOfTwoCodeFixProvider : PlannedCodeFixProvider
{
    public const string EquivalenceKey = "HEAP101.RoundUp";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HEAP101");

    protected override IEnumerable<Offer> Offers(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellation)
    {
        var argument = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeArgumentSyntax>();
        if (argument is null
            || model.GetConstantValue(argument.Expression, cancellation) is not { HasValue: true, Value: int value }
            || value <= 0
            || NextPowerOfTwo(value) is not { } power)
        {
            yield break;
        }

        var name = argument.NameEquals?.Name.Identifier.ValueText ?? "the value";
        var literal = SyntaxFactory.LiteralExpression(SyntaxKind.NumericLiteralExpression, SyntaxFactory.Literal(power));
        yield return new Offer(
            $"Round {name} up to {power.ToString(CultureInfo.InvariantCulture)}",
            EquivalenceKey,
            new ReplaceNodePlan(argument.Expression, literal));
    }

    /// <summary>The smallest power of two not below <paramref name="value"/>; null when it does not fit an int.</summary>
    internal static int? NextPowerOfTwo(int value)
    {
        long power = 1;
        while (power < value)
        {
            power *= 2;
        }

        return power <= int.MaxValue ? (int)power : null;
    }
}
