// The code fixes must never throw, whatever the editor hands them: every action offered for
// every HEAP001-HEAP003 diagnostic, and Fix All per action in the document, is applied on a seed
// full of fixable code and on deterministic broken variants of it (spans cut, tokens inserted).
// On the unbroken seed each Fix All must also leave code that still compiles.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Heapsmith.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Heapsmith.Analyzers.Tests.CodeFixes;

public sealed class FixRobustnessTests
{
    private const int Variants = 40;

    private const string Seed = """
        unsafe class C
        {
            static extern void Look(void* p);
            static void Release(void* q) => H.Free(q);

            int Sum(int n, bool fail)
            {
                int* a = (int*)H.Alloc((nuint)n * 4);
                int* b = (int*)NativeMemory.AlignedAlloc((nuint)n * 4, 64);
                if (fail)
                    return -1;
                for (int i = 0; i < n; i++) { a[i] = i; b[i] = a[i]; }
                Release(a);
                return b[0];
            }

            void Frees(bool c, Arena x, Arena y)
            {
                void* p = G.Alloc(8);
                G.Free(p);
                if (c) G.Free(p);
                G.Free(p);
                byte* s = stackalloc byte[8];
                H.Free(s);
                void* q = x.Alloc(4);
                y.Free(q);
                nint h = Marshal.AllocHGlobal(4);
                NativeMemory.Free((void*)h);
                int v = 0;
                H.Free(&v);
                void* r = NativeMemory.Alloc(4);
                H.Free(r, 4);
            }

            void* Rent(bool c)
            {
                void* p = H.Alloc(16);
                if (c) { Look(p); throw new InvalidOperationException(); }
                return p;
            }
        }
        """;

    private static readonly string[] Tokens =
    {
        "{", "}", "(", ")", ";", "*", "&", "H.Free(p)", "return", "throw", "null", "try {", "finally {", "if (c)",
        "p = null;", "=", "goto L;", "L:", "using", "switch", "case 1:", "stackalloc byte[4]", "H.Alloc(", "void*",
    };

    private static readonly CodeFixProvider[] Providers =
    {
        new DoubleFreeCodeFixProvider(), new UnownedFreeCodeFixProvider(), new MissingFreeCodeFixProvider(),
    };

    [Fact]
    public async Task FixesOfTheSeedApplyAndStillCompile()
    {
        var failures = new List<string>();
        var (document, diagnostics) = await AnalyseAsync(Seed);
        Assert.Contains(diagnostics, d => d.Id == "HEAP001");
        Assert.Contains(diagnostics, d => d.Id == "HEAP002");
        Assert.Contains(diagnostics, d => d.Id == "HEAP003");
        var results = await ApplyAllAsync(document, diagnostics, failures);
        Assert.Equal(
            new[]
            {
                DoubleFreeCodeFixProvider.RemoveKey, DoubleFreeCodeFixProvider.SetNullKey,
                UnownedFreeCodeFixProvider.RemoveKey, UnownedFreeCodeFixProvider.ReplaceKey, MissingFreeCodeFixProvider.EquivalenceKey,
            },
            results.Select(r => r.Key).Order(StringComparer.Ordinal));
        foreach (var (key, fixedDocument) in results)
        {
            var errors = (await fixedDocument.Project.GetCompilationAsync())!.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error);
            var fixedText = await fixedDocument.GetTextAsync();
            failures.AddRange(errors.Select(e => $"{key}: {e}\n{fixedText}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task FixesOfBrokenVariantsNeverThrow()
    {
        var random = new Random(20261126);
        var failures = new List<string>();
        for (var i = 0; i < Variants; i++)
        {
            var (document, diagnostics) = await AnalyseAsync(Mutate(Seed, random));
            await ApplyAllAsync(document, diagnostics, failures);
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    private static async Task<(Document Document, ImmutableArray<Diagnostic> Diagnostics)> AnalyseAsync(string source)
    {
        HeapUsageAnalyzer.RethrowFailures = true;
        var project = GeneratorFixHarness.CreateProject(
            "using System;\nusing System.Runtime.InteropServices;\nusing Heapsmith;\n" + source,
            AnalyzerHarness.Heaps);
        var compilation = (await project.GetCompilationAsync())!;
        var diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new HeapUsageAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        return (project.Documents.First(), diagnostics);
    }

    /// <summary>Applies every action and every Fix All; returns the Fix All results by equivalence key.</summary>
    private static async Task<List<(string Key, Document Fixed)>> ApplyAllAsync(Document document, ImmutableArray<Diagnostic> diagnostics, List<string> failures)
    {
        var results = new List<(string, Document)>();
        var text = (await document.GetTextAsync()).ToString();
        foreach (var provider in Providers)
        {
            var mine = diagnostics.Where(d => provider.FixableDiagnosticIds.Contains(d.Id)).ToImmutableArray();
            var keys = new HashSet<string>();
            foreach (var diagnostic in mine)
            {
                try
                {
                    var actions = new List<CodeAction>();
                    await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (a, _) => actions.Add(a), CancellationToken.None));
                    foreach (var action in actions)
                    {
                        keys.Add(action.EquivalenceKey!);
                        await action.GetOperationsAsync(CancellationToken.None);
                    }
                }
                catch (Exception exception)
                {
                    failures.Add($"{diagnostic}: {exception}\n--- source ---\n{text}");
                }
            }

            foreach (var key in keys)
            {
                try
                {
                    var context = new FixAllContext(document, provider, FixAllScope.Document, key, provider.FixableDiagnosticIds, new Fixed(mine), CancellationToken.None);
                    var action = await provider.GetFixAllProvider()!.GetFixAsync(context);
                    var operation = (await action!.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>().Single();
                    results.Add((key, operation.ChangedSolution.GetDocument(document.Id)!));
                }
                catch (Exception exception)
                {
                    failures.Add($"Fix All {key}: {exception}\n--- source ---\n{text}");
                }
            }
        }

        return results;
    }

    private static string Mutate(string source, Random random)
    {
        var text = new StringBuilder(source);
        var edits = 1 + random.Next(4);
        for (var e = 0; e < edits && text.Length > 0; e++)
        {
            var at = random.Next(text.Length);
            if (random.Next(2) == 0)
            {
                text.Remove(at, Math.Min(text.Length - at, 1 + random.Next(30)));
            }
            else
            {
                text.Insert(at, " " + Tokens[random.Next(Tokens.Length)] + " ");
            }
        }

        return text.ToString();
    }

    private sealed class Fixed : FixAllContext.DiagnosticProvider
    {
        private readonly ImmutableArray<Diagnostic> _diagnostics;

        public Fixed(ImmutableArray<Diagnostic> diagnostics) => _diagnostics = diagnostics;

        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(_diagnostics);
    }
}
