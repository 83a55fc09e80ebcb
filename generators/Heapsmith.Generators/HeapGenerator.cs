// The pipeline, top to bottom: find every [HeapConfig] class, parse each into an equatable model
// (or diagnostics), emit each heap on its own, and across heaps warn about duplicate names.
// Invariants: every step's output is equatable data (no symbols, syntax or Location), so an edit
// elsewhere leaves every step cached, and a change to one heap re-emits that heap only; nothing
// in the generator throws on user input (a crash would be CS8785 and no heap at all).
using System.Collections.Immutable;
using System.Linq;
using Heapsmith.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Heapsmith.Generators;

/// <summary>Turns every <c>[HeapConfig]</c> partial class into a specialised heap.</summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class HeapGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        var parsed = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                HeapDefaults.AttributeMetadataName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);

        var diagnostics = parsed
            .Select(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (context, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });

        var heaps = parsed
            .Where(static result => result.Heap is not null)
            .Select(static (result, _) => result.Heap!)
            .WithTrackingName(TrackingNames.Heap);
        context.RegisterSourceOutput(heaps, static (context, heap) =>
        {
            try
            {
                context.AddSource(Emitter.HintName(heap), Emitter.Emit(heap));
            }
            catch (System.ArgumentException)
            {
                // Two heaps with one full name: only possible when the compiler already reports a
                // duplicate type (CS0101), so the second is skipped rather than crashing the build.
            }
        });

        var identities = parsed
            .Where(static result => result.Identity is not null)
            .Select(static (result, _) => result.Identity!)
            .Collect()
            .Select(static (identities, _) => DuplicateNames.Find(identities))
            .WithTrackingName(TrackingNames.DuplicateNames);
        context.RegisterSourceOutput(identities, static (context, duplicates) =>
        {
            foreach (var diagnostic in duplicates)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        });
    }

    /// <summary>Step names for incremental-caching tests.</summary>
    internal static class TrackingNames
    {
        public const string Parse = nameof(Parse);
        public const string Diagnostics = nameof(Diagnostics);
        public const string Heap = nameof(Heap);
        public const string DuplicateNames = nameof(DuplicateNames);
    }

    /// <summary>HEAP150: heaps sharing a simple name in one namespace.</summary>
    internal static class DuplicateNames
    {
        public static EquatableArray<DiagnosticInfo> Find(ImmutableArray<HeapIdentity> identities) =>
            identities
                .GroupBy(i => (i.Namespace, i.Name))
                .Where(g => g.Select(i => i.FullName).Distinct().Count() > 1)
                .SelectMany(g => g.Select(i => new DiagnosticInfo(
                    DiagnosticDescriptors.DuplicateHeapName,
                    i.Location,
                    new[] { i.FullName, g.First(o => o.FullName != i.FullName).FullName, i.Namespace.Length == 0 ? "<global>" : i.Namespace }.ToEquatableArray())))
                .OrderBy(d => d.MessageArgs[0], System.StringComparer.Ordinal)
                .ToEquatableArray();
    }
}
