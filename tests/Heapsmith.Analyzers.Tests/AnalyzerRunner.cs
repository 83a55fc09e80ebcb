// Runs HeapUsageAnalyzer over a whole compilation in process (no test framework): for the
// repository, robustness and timing tests. Collects analyzer exceptions instead of hiding them,
// and reports the analyzer's own execution time from Roslyn's telemetry.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Heapsmith.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Heapsmith.Analyzers.Tests;

internal static class AnalyzerRunner
{
    public static readonly ImmutableArray<MetadataReference> References = Basic.Reference.Assemblies.Net80.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(HeapConfigAttribute).Assembly.Location))
        .ToImmutableArray();

    public static CSharpCompilation Compile(string name, IEnumerable<SyntaxTree> trees) =>
        CSharpCompilation.Create(name, trees, References, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

    public static SyntaxTree Parse(string text, string path = "") =>
        CSharpSyntaxTree.ParseText(text, new CSharpParseOptions(LanguageVersion.Latest), path);

    public static async Task<Result> RunAsync(Compilation compilation, bool concurrent = false)
    {
        var exceptions = new List<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
            (exception, _, _) => { lock (exceptions) { exceptions.Add(exception); } },
            concurrentAnalysis: concurrent,
            logAnalyzerExecutionTime: true);
        var analyzer = new HeapUsageAnalyzer();
        var withAnalyzers = compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(analyzer), options);
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default);
        return new Result(diagnostics, exceptions, telemetry.ExecutionTime);
    }

    public sealed record Result(ImmutableArray<Diagnostic> Diagnostics, List<Exception> Exceptions, TimeSpan AnalyzerTime)
    {
        public IEnumerable<Diagnostic> Heap => Diagnostics.Where(d => d.Id.StartsWith("HEAP0", StringComparison.Ordinal));
    }
}
