// Runs a Heapsmith code fix with Microsoft.CodeAnalysis.Testing on the offline references of
// AnalyzerHarness (net8.0 from Basic.Reference.Assemblies, the runtime, unsafe code allowed).
// The framework applies the fix one diagnostic at a time and as Fix All in the document, the
// project and the solution, and checks every result equals FixedCode and is free of diagnostics.
using System.Collections.Generic;
using System.Threading.Tasks;
using Heapsmith.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Heapsmith.Analyzers.Tests.CodeFixes;

internal static class CodeFixHarness
{
    static CodeFixHarness() => HeapUsageAnalyzer.RethrowFailures = true;

    /// <summary>Fixes <paramref name="source"/> (one file, or more for project-wide Fix All) with the action of <paramref name="equivalenceKey"/>.</summary>
    public static Task VerifyFixAsync<TFix>(string source, string fixedSource, string equivalenceKey, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new() =>
        VerifyFixAsync<TFix>(new[] { source }, new[] { fixedSource }, equivalenceKey, expected);

    public static async Task VerifyFixAsync<TFix>(IReadOnlyList<string> sources, IReadOnlyList<string> fixedSources, string equivalenceKey, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<HeapUsageAnalyzer, TFix, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net8.0"),
            CodeActionEquivalenceKey = equivalenceKey,
        };
        for (var i = 0; i < sources.Count; i++)
        {
            test.TestState.Sources.Add(($"/0/Test{i}.cs", sources[i]));
            test.FixedState.Sources.Add(($"/0/Test{i}.cs", fixedSources[i]));
        }

        test.TestState.Sources.Add(("/0/Heaps.cs", AnalyzerHarness.Heaps));
        test.FixedState.Sources.Add(("/0/Heaps.cs", AnalyzerHarness.Heaps));
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(HeapConfigAttribute).Assembly.Location));
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = (CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
            return solution.WithProjectCompilationOptions(projectId, options.WithAllowUnsafe(true));
        });
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    /// <summary>Checks that no action with <paramref name="equivalenceKey"/> is offered for the diagnostics of <paramref name="source"/>.</summary>
    public static async Task VerifyNoFixAsync<TFix>(string source, string equivalenceKey, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<HeapUsageAnalyzer, TFix, DefaultVerifier>
        {
            ReferenceAssemblies = new ReferenceAssemblies("net8.0"),
            CodeActionEquivalenceKey = equivalenceKey,
            TestCode = source,
            FixedCode = source,
        };
        test.TestState.Sources.Add(("/0/Heaps.cs", AnalyzerHarness.Heaps));
        test.FixedState.Sources.Add(("/0/Heaps.cs", AnalyzerHarness.Heaps));
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(HeapConfigAttribute).Assembly.Location));
        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = (CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
            return solution.WithProjectCompilationOptions(projectId, options.WithAllowUnsafe(true));
        });
        test.ExpectedDiagnostics.AddRange(expected);
        test.FixedState.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}
