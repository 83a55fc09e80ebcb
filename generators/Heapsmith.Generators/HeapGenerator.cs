using System.Linq;
using Heapsmith.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Generators;

/// <summary>
/// Turns every <c>[HeapConfig]</c> partial class into a specialised heap. The pipeline reads top to
/// bottom: find the attributed classes, parse each into an equatable model (or diagnostics), then
/// emit. Models hold no symbols or syntax, so an edit elsewhere leaves every step cached.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class HeapGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var heaps = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                HeapDefaults.AttributeMetadataName,
                predicate: static (node, _) => node is Microsoft.CodeAnalysis.CSharp.Syntax.ClassDeclarationSyntax,
                transform: static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        context.RegisterSourceOutput(heaps, static (context, result) =>
        {
            foreach (var diagnostic in result.Diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }

            if (result.Heap is { } heap)
            {
                context.AddSource(Emitter.HintName(heap), Emitter.Emit(heap));
            }
        });
    }

    /// <summary>Step names for incremental-caching tests.</summary>
    internal static class TrackingNames
    {
        public const string Parse = nameof(Parse);
    }
}
