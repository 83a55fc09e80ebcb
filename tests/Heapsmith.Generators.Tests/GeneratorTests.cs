// What the generator emits for well-formed heaps: the members of API.md, static or instance as the
// class is, in any namespace or nesting, compiling without a warning against the net8.0 references.
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Generators.Tests;

public class GeneratorTests
{
    [Fact]
    public void Attribute_defaults_match_the_generator_copies()
    {
        var attribute = new HeapConfigAttribute();
        Assert.Equal(HeapDefaults.MinBlockSize, attribute.MinBlockSize);
        Assert.Equal(HeapDefaults.MaxSmallSize, attribute.MaxSmallSize);
        Assert.Equal(HeapDefaults.ClassesPerDoubling, attribute.ClassesPerDoubling);
        Assert.Equal(HeapDefaults.Alignment, attribute.Alignment);
        Assert.Equal(HeapDefaults.PageSize, attribute.PageSize);
        Assert.Equal(HeapDefaults.SegmentSize, attribute.SegmentSize);
        Assert.Equal(HeapDefaults.PurgeDelayMs, attribute.PurgeDelayMs);
        Assert.Equal(HeapDefaults.AttributeMetadataName, typeof(HeapConfigAttribute).FullName);
        Assert.Equal(HeapDefaults.BackendBrk, (int)HeapBackend.Brk);
        Assert.Equal(HeapDefaults.BackendNativeMemory, (int)HeapBackend.NativeMemory);
        Assert.Equal(HeapDefaults.AllChecks, (int)HeapChecks.All);
    }

    [Fact]
    public void Static_heap_gets_every_api_member_as_static()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            namespace Game;
            [HeapConfig]
            public static unsafe partial class GameHeap { }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
        var heap = run.Output.GetTypeByMetadataName("Game.GameHeap")!;
        foreach (var name in new[] { "Alloc", "TryAlloc", "AllocZeroed", "Realloc", "AlignedAlloc", "Free", "UsableSize", "GoodSize", "Owns", "AllocSpan", "AllocMemory", "GetStats", "WriteStats", "SetMemoryLimit", "Trim", "SizeClassCount" })
        {
            var members = heap.GetMembers(name);
            Assert.NotEmpty(members);
            Assert.All(members, m => Assert.True(m.IsStatic, $"{name} is static"));
            Assert.All(members, m => Assert.Equal(Accessibility.Public, m.DeclaredAccessibility));
            Assert.All(members, m => Assert.False(string.IsNullOrEmpty(m.GetDocumentationCommentXml()), $"{name} has XML docs"));
        }

        Assert.Equal(3, heap.GetMembers("Free").Length); // Free(void*), Free(void*, nuint), Free<T>(Span<T>)
        Assert.Equal(2, heap.GetMembers("Alloc").Length); // Alloc(nuint) and Alloc<T>(nuint)
        var count = (IFieldSymbol)heap.GetMembers("SizeClassCount").Single();
        Assert.True(count.IsConst);
        Assert.Equal(36, count.ConstantValue);
        Assert.Empty(heap.Interfaces);
    }

    [Fact]
    public void Instance_heap_in_nested_type_gets_instance_members_and_IDisposable()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            namespace Game
            {
                public static partial class Outer
                {
                    public partial struct Middle
                    {
                        [HeapConfig(ClassesPerDoubling = 1, MaxSmallSize = 4096)]
                        public sealed partial class FrameArena { }
                    }
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
        Assert.Single(run.Result.GeneratedSources, s => s.HintName == "Game.Outer.Middle.FrameArena.g.cs");
        var heap = run.Output.GetTypeByMetadataName("Game.Outer+Middle+FrameArena")!;
        Assert.Contains(heap.AllInterfaces, i => i.ToDisplayString() == "System.IDisposable");
        Assert.False(heap.GetMembers("Alloc").First().IsStatic);
        Assert.False(heap.GetMembers("Dispose").Single().IsStatic);
        Assert.Equal(9, ((IFieldSymbol)heap.GetMembers("SizeClassCount").Single()).ConstantValue);
        Assert.Equal(Accessibility.Public, heap.DeclaredAccessibility); // the user's accessibility is kept
    }

    [Fact]
    public void Heap_in_the_global_namespace_without_unsafe_and_with_a_keyword_name_compiles()
    {
        var run = GeneratorHarness.Run("""
            [Heapsmith.HeapConfig(Backend = Heapsmith.HeapBackend.NativeMemory, Checks = Heapsmith.HeapChecks.DoubleFree | Heapsmith.HeapChecks.Junk)]
            internal static partial class @class { }
            namespace @namespace.@event
            {
                [Heapsmith.HeapConfig(ThreadSafe = false, PurgeDelayMs = -1)]
                internal partial class @struct { }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
        var source = run.Source("class.g.cs");
        Assert.Contains("static unsafe partial class @class", source);
        Assert.Contains("global::Heapsmith.HeapChecks.DoubleFree | global::Heapsmith.HeapChecks.Junk", source);
        Assert.Contains("global::Heapsmith.HeapBackend.NativeMemory", source);
        var instance = run.Source("namespace.event.struct.g.cs");
        Assert.Contains("namespace @namespace.@event", instance);
        Assert.Contains("public static bool ThreadSafe => false;", instance);
        Assert.Contains("public static int PurgeDelayMs => -1;", instance);
    }

    [Theory]
    [InlineData("MemoryLimit = 64L << 20", "67108864")]
    [InlineData("MemoryLimit = 4194304", "4194304")]
    [InlineData("MemoryLimit = 0", "0")]
    public void A_memory_limit_reaches_the_spec(string argument, string value)
    {
        var run = GeneratorHarness.Run($$"""
            using Heapsmith;
            [HeapConfig({{argument}})]
            public static partial class CappedHeap { }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
        var source = run.Source("CappedHeap.g.cs");
        Assert.Contains($"public static long MemoryLimit => {value};", source);
        Assert.Contains($"MemoryLimit {value}.", source);
    }

    [Fact]
    public void Generated_file_is_marked_and_uses_global_names_only()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            namespace Game;
            [HeapConfig]
            public sealed partial class Arena { }
            """);

        var source = run.Source("Game.Arena.g.cs");
        Assert.StartsWith("// <auto-generated/>", source);
        Assert.Contains("#nullable enable", source);
        Assert.Contains("[global::System.CodeDom.Compiler.GeneratedCode(\"Heapsmith.Generators\"", source);
        Assert.DoesNotContain("using ", source);
        Assert.DoesNotContain(" \n", source);
        Assert.DoesNotContain("\r", source);
        Assert.Contains("private readonly global::Heapsmith.ArenaHeap<Spec> _heapsmithArena = new global::Heapsmith.ArenaHeap<Spec>();", source);
        Assert.Contains("public void Dispose() => _heapsmithArena.Dispose();", source);
    }

    [Fact]
    public void Alloc_Free_and_TryAlloc_are_aggressively_inlined()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            [HeapConfig]
            public static partial class H { }
            """);
        var heap = run.Output.GetTypeByMetadataName("H")!;
        foreach (var method in heap.GetMembers().OfType<IMethodSymbol>().Where(m => m.Name is "Free" or "TryAlloc" || (m.Name == "Alloc" && !m.IsGenericMethod)))
        {
            Assert.Contains(method.GetAttributes(), a => a.AttributeClass?.Name == "MethodImplAttribute");
        }
    }

    [Fact]
    public void Output_is_deterministic()
    {
        const string source = """
            using Heapsmith;
            [HeapConfig(SizeClasses = new[] { 32, 64, 96, 128 })]
            public static partial class H { }
            """;
        Assert.Equal(GeneratorHarness.Run(source).Source("H.g.cs"), GeneratorHarness.Run(source).Source("H.g.cs"));
    }

    [Fact]
    public void Second_HeapConfig_on_another_part_emits_once()
    {
        var run = GeneratorHarness.Run(
            "using Heapsmith; [HeapConfig] public static partial class H { }",
            "using Heapsmith; [HeapConfig] public static partial class H { }");
        Assert.Null(run.Result.Exception);
        Assert.Single(run.Result.GeneratedSources);
        Assert.Contains(run.Output.GetDiagnostics(), d => d.Id == "CS0579"); // the compiler's duplicate-attribute error
    }

    [Fact]
    public void Record_class_heap_is_extended_as_a_record()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            namespace Game;
            [HeapConfig]
            public sealed partial record Arena(string Label);
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
        Assert.Contains("unsafe partial record Arena : global::System.IDisposable", run.Source("Game.Arena.g.cs"));
    }

    [Fact]
    public void Generated_documentation_is_complete_and_its_references_resolve()
    {
        // DocumentationMode.Diagnose reports missing docs (CS1591) and unresolved crefs (CS1574).
        var options = GeneratorHarness.ParseOptions.WithDocumentationMode(DocumentationMode.Diagnose);
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "Documented",
            new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("""
                using Heapsmith;
                /// <summary>A static heap.</summary>
                [HeapConfig] public static partial class StaticHeapClass { }
                /// <summary>An arena.</summary>
                [HeapConfig] public sealed partial class ArenaClass { }
                """, options) },
            GeneratorHarness.Compile().References,
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var driver = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver.Create(new[] { new HeapGenerator().AsSourceGenerator() }, parseOptions: options);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        Assert.Equal(3, output.SyntaxTrees.Count());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Theory]
    [InlineData("public static partial class")]
    [InlineData("public partial class")]
    [InlineData("internal partial struct")]
    [InlineData("public readonly partial struct")]
    [InlineData("public ref partial struct")]
    [InlineData("public partial record")]
    [InlineData("public partial record class")]
    [InlineData("public partial record struct")]
    [InlineData("public partial interface")]
    [InlineData("public abstract partial class")]
    public void Heap_nested_in_any_kind_of_partial_type_compiles(string containing)
    {
        var run = GeneratorHarness.Run($$"""
            using Heapsmith;
            namespace Game;
            {{containing}} Outer
            {
                [HeapConfig] public static partial class Heap { }
                [HeapConfig] internal sealed partial class Arena { }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
        Assert.Equal(2, run.Result.GeneratedSources.Length);
    }
}
