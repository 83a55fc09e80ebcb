// HEAP100 heap class not partial (reported by the generator on the class identifier): adds
// `partial` to the class and to every type containing it that lacks it, after the existing
// modifiers (`public static unsafe partial class`), where C# requires it.
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

[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(NotPartialCodeFixProvider))]
[Shared]
internal sealed class NotPartialCodeFixProvider : PlannedCodeFixProvider
{
    public const string EquivalenceKey = "HEAP100.AddPartial";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HEAP100");

    protected override IEnumerable<Offer> Offers(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellation)
    {
        var types = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?
            .AncestorsAndSelf().OfType<TypeDeclarationSyntax>().Where(t => !IsPartial(t)).ToList();
        if (types is { Count: > 0 })
        {
            yield return new Offer("Make the heap class partial", EquivalenceKey, new AddPartial(types));
        }
    }

    private static bool IsPartial(TypeDeclarationSyntax type) => type.Modifiers.Any(SyntaxKind.PartialKeyword);

    private sealed class AddPartial : FixPlan
    {
        private readonly IReadOnlyList<TypeDeclarationSyntax> _types;

        public AddPartial(IReadOnlyList<TypeDeclarationSyntax> types)
            : base(types[0].SpanStart) => _types = types;

        public override IEnumerable<SyntaxNode> Tracked => _types;

        public override SyntaxNode? Apply(SyntaxNode root)
        {
            foreach (var original in _types)
            {
                // A nested heap fixed earlier in Fix All may already have made this container partial.
                if (root.GetCurrentNode(original) is { } type && !IsPartial(type))
                {
                    root = root.ReplaceNode(type, WithPartial(type));
                }
            }

            return root;
        }

        private static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax type)
        {
            if (type.Modifiers.Count > 0)
            {
                return type.WithModifiers(type.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
            }

            // No modifiers: `partial` takes over the keyword's leading trivia (indentation, comments).
            var keyword = type.Keyword;
            var partial = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
            return type.WithKeyword(keyword.WithLeadingTrivia()).WithModifiers(SyntaxFactory.TokenList(partial));
        }
    }
}
