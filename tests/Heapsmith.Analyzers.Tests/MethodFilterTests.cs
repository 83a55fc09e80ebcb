// The pre-check that skips method bodies before a control-flow graph is built: only bodies with
// a call that can allocate, free or hand over a block are analysed, lambdas and local functions
// included, through annotations and inferred summaries as well as the allocators themselves.
using System.Linq;
using Heapsmith.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers.Tests;

public sealed class MethodFilterTests
{
    private const string Source = """
        using System;
        using Heapsmith;

        unsafe class C
        {
            [return: OwnershipReturns] static extern byte* Rent();
            static extern void Consume([OwnershipTakes] byte* p);
            static void Destroy(byte* p) => H.Free(p);
            static int Read(byte* p) => p[0];

            int Arithmetic(byte* p, int n) { byte* q = p + n; return *q + Read(p); }
            void Allocates() { void* p = H.Alloc(8); }
            void Annotated() { byte* p = Rent(); }
            void Takes(byte* p) { Consume(p); }
            void Inferred(byte* p) { Destroy(p); }
            void InLambda() { Action a = () => H.Free(null); }
            void InLocalFunction() { Local(); void Local() { Destroy(null); } }
            void Disposes(Arena a) { a.Dispose(); }
            void Unrelated() { Console.WriteLine(Read(null)); var s = new string('x', 3); }
        }
        """;

    [Theory]
    [InlineData("Arithmetic", false)]
    [InlineData("Unrelated", false)]
    [InlineData("Allocates", true)]
    [InlineData("Annotated", true)]
    [InlineData("Takes", true)]
    [InlineData("Inferred", true)]
    [InlineData("InLambda", true)]
    [InlineData("InLocalFunction", true)]
    [InlineData("Disposes", true)]
    public void OnlyBodiesWithOwnershipCallsAreAnalysed(string method, bool analysed)
    {
        var tree = AnalyzerRunner.Parse(Source);
        var compilation = AnalyzerRunner.Compile("filter", new[] { AnalyzerRunner.Parse(AnalyzerHarness.Heaps), tree });
        Assert.DoesNotContain(compilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        var model = compilation.GetSemanticModel(tree);
        var declaration = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>().Single(m => m.Identifier.ValueText == method);
        var body = (IMethodBodyOperation)model.GetOperation(declaration)!;
        var apis = new AllocatorApis(compilation);
        var summaries = new MethodSummaries(compilation, apis);

        Assert.Equal(analysed, MethodFilter.IsWorthAnalysing(body, apis, m => summaries.Get(m, default)));
    }
}
