// The base of every Heapsmith code fix: a provider only says which plans (title, equivalence key,
// edit) a diagnostic admits; applying one plan, or all plans of a Fix All in a document, is done
// here the same way. Fix All does not merge text changes (batch merging drops overlapping edits
// such as nested try/finally wraps): it applies the plans one after another on tracked nodes.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Formatting;

namespace Heapsmith.CodeFixes;

internal abstract class PlannedCodeFixProvider : CodeFixProvider
{
    public sealed override FixAllProvider GetFixAllProvider() => new SequentialFixAllProvider(this);

    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var offer in Offers(root, model, diagnostic, context.CancellationToken))
            {
                var plan = offer.Plan;
                context.RegisterCodeFix(
                    CodeAction.Create(offer.Title, token => ApplyAsync(context.Document, root, new[] { plan }, token), offer.EquivalenceKey),
                    diagnostic);
            }
        }
    }

    /// <summary>The fixes <paramref name="diagnostic"/> admits, each a title, an equivalence key and a plan.</summary>
    protected abstract IEnumerable<Offer> Offers(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellation);

    private static async Task<Document> ApplyAsync(Document document, SyntaxNode root, IReadOnlyList<FixPlan> plans, CancellationToken cancellation)
    {
        var ordered = plans.OrderBy(p => p.Position).ToList();
        var current = root.TrackNodes(ordered.SelectMany(p => p.Tracked).Distinct());
        foreach (var plan in ordered)
        {
            cancellation.ThrowIfCancellationRequested();
            current = plan.Apply(current) ?? current;
        }

        var changed = document.WithSyntaxRoot(current);
        return await Formatter.FormatAsync(changed, Formatter.Annotation, cancellationToken: cancellation).ConfigureAwait(false);
    }

    internal readonly struct Offer
    {
        public Offer(string title, string equivalenceKey, FixPlan plan)
        {
            Title = title;
            EquivalenceKey = equivalenceKey;
            Plan = plan;
        }

        public string Title { get; }

        public string EquivalenceKey { get; }

        public FixPlan Plan { get; }
    }

    /// <summary>Fix All in a document, project or solution: per document, every diagnostic's plan with the chosen key, applied in source order.</summary>
    private sealed class SequentialFixAllProvider : DocumentBasedFixAllProvider
    {
        private readonly PlannedCodeFixProvider _provider;

        public SequentialFixAllProvider(PlannedCodeFixProvider provider) => _provider = provider;

        protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
        {
            var cancellation = fixAllContext.CancellationToken;
            var root = await document.GetSyntaxRootAsync(cancellation).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellation).ConfigureAwait(false);
            if (root is null || model is null)
            {
                return null;
            }

            var plans = new List<FixPlan>();
            var merged = new HashSet<string>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                foreach (var offer in _provider.Offers(root, model, diagnostic, cancellation))
                {
                    if (offer.EquivalenceKey == fixAllContext.CodeActionEquivalenceKey
                        && (offer.Plan.MergeKey is null || merged.Add(offer.Plan.MergeKey)))
                    {
                        plans.Add(offer.Plan);
                    }
                }
            }

            return plans.Count == 0 ? null : await ApplyAsync(document, root, plans, cancellation).ConfigureAwait(false);
        }
    }
}
