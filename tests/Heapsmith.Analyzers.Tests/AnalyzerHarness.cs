// Runs HeapUsageAnalyzer over test code with Microsoft.CodeAnalysis.Testing, offline: net8.0
// reference assemblies from Basic.Reference.Assemblies plus the Heapsmith runtime, unsafe code
// allowed. Heaps are declared by hand (the generator does not run here): the analyzer knows
// heap members by containing type, name and shape, not by body.
// Markup: {|#0:...|} marks where a diagnostic is expected, {|#1:...|} its related location.
using System.Threading.Tasks;
using Heapsmith.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Heapsmith.Analyzers.Tests;

internal static class AnalyzerHarness
{
    /// <summary>Two static heaps and an arena, shaped like generated ones.</summary>
    public const string Heaps = """
        using System;
        using Heapsmith;

        [HeapConfig]
        public static unsafe partial class H
        {
            public static void* Alloc(nuint size) => null;
            public static void* TryAlloc(nuint size) => null;
            public static void* AllocZeroed(nuint count, nuint size) => null;
            public static void* Realloc(void* ptr, nuint newSize) => null;
            public static void* AlignedAlloc(nuint size, nuint alignment) => null;
            public static T* Alloc<T>(nuint count = 1) where T : unmanaged => null;
            public static void Free(void* ptr) { }
            public static void Free(void* ptr, nuint size) { }
            public static nuint UsableSize(void* ptr) => 0;
            public static nuint GoodSize(nuint size) => size;
            public static bool Owns(void* ptr) => false;
            public static void Trim() { }
            public static Span<T> AllocSpan<T>(int length) where T : unmanaged => default;
            public static void Free<T>(Span<T> span) where T : unmanaged { }
            public static System.Buffers.IMemoryOwner<T> AllocMemory<T>(int length) where T : unmanaged => null!;
        }

        [HeapConfig]
        public static unsafe partial class G
        {
            public static void* Alloc(nuint size) => null;
            public static void Free(void* ptr) { }
        }

        [HeapConfig(ThreadSafe = false)]
        public sealed unsafe partial class Arena : IDisposable
        {
            public void* Alloc(nuint size) => null;
            public void Free(void* ptr) { }
            public bool Owns(void* ptr) => false;
            public void Dispose() { }
        }
        """;

    private const string Usings = "using System;\nusing System.Runtime.InteropServices;\nusing Heapsmith;\n\n";

    /// <summary>Wraps members in an unsafe class C (with the usings the tests need).</summary>
    public static string InClass(string members) => Usings + "unsafe class C\n{\n" + members + "\n}\n";

    static AnalyzerHarness() => HeapUsageAnalyzer.RethrowFailures = true;

    public static DiagnosticResult Diagnostic(string id, int location, int? related = null)
    {
        var result = new DiagnosticResult(id, DiagnosticSeverity.Warning).WithLocation(location);
        return related is { } other ? result.WithLocation(other) : result;
    }

    public static Task VerifyAsync(string source, params DiagnosticResult[] expected) => VerifyAsync(source, null, expected);

    public static async Task VerifyAsync(string source, string? editorConfig, params DiagnosticResult[] expected)
    {
        var test = new CSharpAnalyzerTest<HeapUsageAnalyzer, DefaultVerifier>
        {
            TestCode = source,
            ReferenceAssemblies = new ReferenceAssemblies("net8.0"),
        };
        test.TestState.Sources.Add(("Heaps.cs", Heaps));
        test.TestState.AdditionalReferences.AddRange(Basic.Reference.Assemblies.Net80.References.All);
        test.TestState.AdditionalReferences.Add(MetadataReference.CreateFromFile(typeof(HeapConfigAttribute).Assembly.Location));
        if (editorConfig is not null)
        {
            test.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n\n[*]\n" + editorConfig + "\n"));
        }

        test.SolutionTransforms.Add((solution, projectId) =>
        {
            var options = (CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
            return solution.WithProjectCompilationOptions(projectId, options.WithAllowUnsafe(true));
        });
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }
}
