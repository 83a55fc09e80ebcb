// One test per generator diagnostic, each checking the id, the severity and the exact source text
// the diagnostic underlines (the attribute argument, the class name or the colliding member).
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Generators.Tests;

public class DiagnosticTests
{
    /// <summary>Runs the generator and returns its single diagnostic with the text it underlines.</summary>
    private static (Diagnostic Diagnostic, string Underlined, GeneratorRun Run) Single(params string[] sources)
    {
        var run = GeneratorHarness.Run(sources);
        Assert.Null(run.Result.Exception);
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        return (diagnostic, Underlined(run, diagnostic), run);
    }

    /// <summary>The source text a diagnostic points at (generator locations are path + span, not tree-bound).</summary>
    private static string Underlined(GeneratorRun run, Diagnostic diagnostic)
    {
        var tree = run.Input.SyntaxTrees.Single(t => t.FilePath == diagnostic.Location.GetLineSpan().Path);
        return tree.ToString().Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
    }

    [Theory]
    [InlineData("MinBlockSize = 24", "HEAP101")]
    [InlineData("Alignment = 12", "HEAP101")]
    [InlineData("SegmentSize = 3000000", "HEAP101")]
    [InlineData("PageSize = 1000", "HEAP102")]
    [InlineData("MinBlockSize = 4", "HEAP102")]
    [InlineData("Alignment = 8192", "HEAP102")]
    [InlineData("SegmentSize = 1 << 31", "HEAP102")]
    [InlineData("ClassesPerDoubling = 3", "HEAP102")]
    [InlineData("ClassesPerDoubling = 0", "HEAP102")]
    [InlineData("PurgeDelayMs = -2", "HEAP102")]
    [InlineData("Backend = (HeapBackend)7", "HEAP102")]
    [InlineData("Checks = (HeapChecks)256", "HEAP102")]
    [InlineData("MaxSmallSize = 8", "HEAP102")]
    [InlineData("PageSize = 1 << 23", "HEAP102")]
    [InlineData("SizeClasses = new int[0]", "HEAP103")]
    [InlineData("SizeClasses = new[] { 32, 16 }", "HEAP103")]
    [InlineData("SizeClasses = new[] { 16, 16 }", "HEAP103")]
    [InlineData("SizeClasses = new[] { 16, 40 }", "HEAP103")]
    [InlineData("SizeClasses = new[] { -16, 32 }", "HEAP103")]
    [InlineData("SizeClasses = new[] { 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 1 << 21 }", "HEAP103")]
    [InlineData("MaxSmallSize = 1 << 24", "HEAP104")]
    [InlineData("MemoryLimit = -1", "HEAP102")]
    [InlineData("MemoryLimit = 1 << 20", "HEAP102")]
    [InlineData("MemoryLimit = 4194303L", "HEAP102")]
    public void Invalid_argument_is_an_error_at_that_argument(string argument, string id)
    {
        var (diagnostic, underlined, run) = Single($$"""
            using Heapsmith;
            [HeapConfig({{argument}})]
            public static partial class BadHeap { }
            """);

        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal(argument, underlined);
        AssertStandIn(run);
    }

    /// <summary>An invalid configuration still emits the heap (with the defaults), so the HEAP error is the only error.</summary>
    private static void AssertStandIn(GeneratorRun run)
    {
        var source = Assert.Single(run.Result.GeneratedSources).SourceText.ToString();
        Assert.Contains("// STAND-IN:", source);
        Assert.Contains("public const int SizeClassCount = 36;", source);
        Assert.Empty(run.OutputDiagnostics);
    }

    [Fact]
    public void A_stand_in_keeps_uses_of_the_heap_compiling()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            [HeapConfig(MinBlockSize = 24)]
            public static unsafe partial class BadHeap { }
            public static unsafe class User
            {
                public static void Use()
                {
                    var p = BadHeap.Alloc(16);
                    BadHeap.Free(p);
                    var q = BadHeap.Alloc<long>(4);
                    BadHeap.Free(q);
                }
            }
            """);

        Assert.Equal("HEAP101", Assert.Single(run.GeneratorDiagnostics).Id);
        AssertStandIn(run);
    }

    [Fact]
    public void HEAP102_page_larger_than_half_the_segment_is_reported_at_the_segment_when_only_it_is_given()
    {
        var (diagnostic, underlined, _) = Single("""
            using Heapsmith;
            [HeapConfig(SegmentSize = 65536)]
            public static partial class H { }
            """);
        Assert.Equal("HEAP102", diagnostic.Id);
        Assert.Equal("SegmentSize = 65536", underlined);
        Assert.Contains("segment header", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void HEAP104_a_size_above_what_a_page_can_hold()
    {
        var (diagnostic, underlined, _) = Single("""
            using Heapsmith;
            [HeapConfig(SizeClasses = new[] { 8000, 16000, 32000 }, PageSize = 4096, SegmentSize = 65536)]
            public static partial class H { }
            """);

        // A page spans at most half the 64 KiB segment (32768 bytes): two 32000-byte blocks do not fit.
        Assert.Equal("HEAP104", diagnostic.Id);
        Assert.Equal("SizeClasses = new[] { 8000, 16000, 32000 }", underlined);
        Assert.StartsWith("SizeClasses asks for blocks of 32000 bytes, above what a page can hold: the largest page is 32768 bytes",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void HEAP104_a_size_class_every_page_would_waste_an_eighth_of_names_the_class()
    {
        // At most 4 units of 64 KiB (half the segment): 65552-byte blocks fit two to a page of 3 or 4 units, but
        // every such page leaves at least 1/8 unused.
        var (diagnostic, underlined, _) = Single("""
            using Heapsmith;
            [HeapConfig(SizeClasses = new[] { 40000, 65552 }, SegmentSize = 524288)]
            public static partial class H { }
            """);

        Assert.Equal("HEAP104", diagnostic.Id);
        Assert.Equal("SizeClasses = new[] { 40000, 65552 }", underlined);
        Assert.StartsWith("Size class 65552 does not fit a page", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void HEAP100_class_that_is_not_partial()
    {
        var (diagnostic, underlined, run) = Single("""
            using Heapsmith;
            [HeapConfig]
            public static class NotPartial { }
            """);
        Assert.Equal("HEAP100", diagnostic.Id);
        Assert.Equal("NotPartial", underlined);
        Assert.Empty(run.Result.GeneratedSources);
    }

    [Fact]
    public void HEAP100_containing_type_that_is_not_partial()
    {
        var (diagnostic, underlined, _) = Single("""
            using Heapsmith;
            public class Outer
            {
                [HeapConfig]
                public static partial class Inner { }
            }
            """);
        Assert.Equal("HEAP100", diagnostic.Id);
        Assert.Equal("Inner", underlined);
        Assert.Contains("its containing type 'Outer'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void HEAP105_brk_on_an_instance_heap()
    {
        var (diagnostic, underlined, _) = Single("""
            using Heapsmith;
            [HeapConfig(Backend = HeapBackend.Brk)]
            public partial class Arena { }
            """);
        Assert.Equal("HEAP105", diagnostic.Id);
        Assert.Equal("Backend = HeapBackend.Brk", underlined);
    }

    [Fact]
    public void Brk_on_a_static_heap_is_fine()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            [HeapConfig(Backend = HeapBackend.Brk)]
            public static partial class H { }
            """);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
    }

    [Theory]
    [InlineData("public static partial class Generic<T> { }", "Generic")]
    [InlineData("public partial class Outer<T> { public static partial class Inner { } }", "Inner")]
    public void HEAP106_generic_class(string declaration, string name)
    {
        var attributed = declaration.Replace("public static partial class " + name, "[HeapConfig] public static partial class " + name);
        var (diagnostic, underlined, _) = Single("using Heapsmith;\n" + attributed);
        Assert.Equal("HEAP106", diagnostic.Id);
        Assert.Equal(name, underlined);
    }

    [Fact]
    public void HEAP107_too_many_size_classes()
    {
        var sizes = string.Join(", ", Enumerable.Range(1, 300).Select(i => i * 16));
        var (diagnostic, underlined, _) = Single($$"""
            using Heapsmith;
            [HeapConfig(SizeClasses = new[] { {{sizes}} })]
            public static partial class H { }
            """);
        Assert.Equal("HEAP107", diagnostic.Id);
        Assert.StartsWith("SizeClasses = ", underlined);
    }

    [Theory]
    [InlineData("public static void* Alloc(int size) => null;", "Alloc")]
    [InlineData("public const int SizeClassCount = 3;", "SizeClassCount")]
    [InlineData("private struct Spec { }", "Spec")]
    public void HEAP108_member_that_collides_with_a_generated_one(string member, string name)
    {
        var (diagnostic, underlined, run) = Single($$"""
            using Heapsmith;
            [HeapConfig]
            public static unsafe partial class H { {{member}} }
            """);
        Assert.Equal("HEAP108", diagnostic.Id);
        Assert.Equal(name, underlined);
        Assert.Empty(run.Result.GeneratedSources);
    }

    [Fact]
    public void HEAP108_inherited_Dispose_on_an_instance_heap()
    {
        var (diagnostic, underlined, _) = Single("""
            using Heapsmith;
            public class Base { public void Dispose() { } }
            [HeapConfig]
            public partial class Arena : Base { }
            """);
        Assert.Equal("HEAP108", diagnostic.Id);
        Assert.Equal("Dispose", underlined); // at the inherited member, where the clash is
        Assert.Contains("'Dispose'", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void HEAP109_unsafe_code_not_allowed()
    {
        var compilation = GeneratorHarness.Compile("""
            using Heapsmith;
            [HeapConfig]
            public static partial class H { }
            """);
        var run = GeneratorHarness.Run(compilation.WithOptions(compilation.Options.WithAllowUnsafe(false)));
        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("HEAP109", diagnostic.Id);
        Assert.Equal("H", Underlined(run, diagnostic));
        Assert.Empty(run.Result.GeneratedSources);
    }

    [Fact]
    public void HEAP110_file_local_class()
    {
        var (diagnostic, underlined, _) = Single("""
            using Heapsmith;
            [HeapConfig]
            file static partial class Local { }
            """);
        Assert.Equal("HEAP110", diagnostic.Id);
        Assert.Equal("Local", underlined);
    }

    [Fact]
    public void HEAP150_two_heaps_with_one_name_in_one_namespace_warn_at_both()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            namespace Game;
            public static partial class Audio { [HeapConfig] public static partial class Pool { } }
            public static partial class Video { [HeapConfig] public static partial class Pool { } }
            public static partial class Other { [HeapConfig] public static partial class Unique { } }
            """);
        Assert.Equal(2, run.GeneratorDiagnostics.Length);
        Assert.All(run.GeneratorDiagnostics, d =>
        {
            Assert.Equal("HEAP150", d.Id);
            Assert.Equal(DiagnosticSeverity.Warning, d.Severity);
            Assert.Equal("Pool", Underlined(run, d));
        });
        Assert.Contains("Heap 'Game.Audio.Pool' has the same name as heap 'Game.Video.Pool' in namespace 'Game'", run.GeneratorDiagnostics[0].GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, run.Result.GeneratedSources.Length); // a warning, not an error: all heaps are emitted
    }

    [Theory]
    [InlineData("MinBlockSize = 8, Alignment = 32", "MinBlockSize = 8", "is below Alignment")]
    [InlineData("SizeClasses = new[] { 16, 32, 64, 512 }", "SizeClasses = new[] { 16, 32, 64, 512 }", "jumps from 64 to 512")]
    [InlineData("PageSize = 1 << 20, SegmentSize = 1 << 22", "PageSize = 1 << 20", "overhead")]
    public void HEAP151_wasteful_configuration_warns_at_the_argument(string arguments, string argument, string message)
    {
        var (diagnostic, underlined, run) = Single($$"""
            using Heapsmith;
            [HeapConfig({{arguments}})]
            public static partial class H { }
            """);
        Assert.Equal("HEAP151", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(argument, underlined);
        Assert.Contains(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single(run.Result.GeneratedSources);
        Assert.Empty(run.OutputDiagnostics);
    }

    [Fact]
    public void Every_descriptor_has_a_documentation_page_and_a_release_entry()
    {
        var descriptors = typeof(DiagnosticDescriptors).GetFields()
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .ToList();
        var root = SnapshotAssert.RepositoryRoot();
        var releases = System.IO.File.ReadAllText(System.IO.Path.Combine(root, "generators", "Heapsmith.Generators", "AnalyzerReleases.Unshipped.md"));
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
        foreach (var descriptor in descriptors)
        {
            Assert.True(System.IO.File.Exists(System.IO.Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md")), $"docs/diagnostics/{descriptor.Id}.md");
            Assert.Contains(descriptor.Id + " |", releases);
            Assert.EndsWith(descriptor.Id + ".md", descriptor.HelpLinkUri);
            Assert.Equal(descriptor.Id.CompareTo("HEAP150") < 0 ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
        }
    }
}
