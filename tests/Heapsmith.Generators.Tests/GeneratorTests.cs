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
    }

    [Fact]
    public void Default_heap_gets_size_class_count_and_good_size()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            namespace Game;
            [HeapConfig]
            public static unsafe partial class GameHeap { }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
        var source = run.Source("Game.GameHeap.g.cs");
        Assert.Contains("public const int SizeClassCount = 36;", source);
        Assert.Contains("public static nuint GoodSize(nuint size)", source);
    }

    [Fact]
    public void Instance_heap_in_nested_type_gets_instance_members()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            namespace Game
            {
                public static partial class Outer
                {
                    [HeapConfig(ClassesPerDoubling = 1, MaxSmallSize = 4096)]
                    public sealed unsafe partial class FrameArena { }
                }
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
        var source = run.Source("Game.Outer.FrameArena.g.cs");
        Assert.Contains("public nuint GoodSize(nuint size)", source);
        Assert.Contains("public const int SizeClassCount = 9;", source);
    }

    [Theory]
    [InlineData("MinBlockSize = 24", "HEAP101")]
    [InlineData("Alignment = 12", "HEAP101")]
    [InlineData("PageSize = 1000", "HEAP102")]
    [InlineData("ClassesPerDoubling = 3", "HEAP102")]
    [InlineData("MaxSmallSize = 1 << 20", "HEAP102")]
    [InlineData("SizeClasses = new[] { 32, 16 }", "HEAP103")]
    [InlineData("SizeClasses = new[] { 16, 40 }", "HEAP103")]
    public void Invalid_argument_is_an_error_at_that_argument(string argument, string id)
    {
        var run = GeneratorHarness.Run($$"""
            using Heapsmith;
            [HeapConfig({{argument}})]
            public static partial class BadHeap { }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        var span = diagnostic.Location.SourceSpan;
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        var text = run.Input.SyntaxTrees.First().ToString().Substring(span.Start, span.Length);
        Assert.Equal(argument, text);
        Assert.Empty(run.Result.GeneratedSources);
    }

    [Fact]
    public void Class_that_is_not_partial_is_HEAP100()
    {
        var run = GeneratorHarness.Run("""
            using Heapsmith;
            [HeapConfig]
            public static class NotPartial { }
            """);

        var diagnostic = Assert.Single(run.GeneratorDiagnostics);
        Assert.Equal("HEAP100", diagnostic.Id);
    }

    [Fact]
    public void Unrelated_edit_leaves_the_parse_step_cached()
    {
        var heap = "using Heapsmith; [HeapConfig] public static partial class H { }";
        var run = GeneratorHarness.Run(heap, "class Other { }");
        var edited = run.Input.ReplaceSyntaxTree(
            run.Input.SyntaxTrees.Last(),
            Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("class Other { int x; }", GeneratorHarness.ParseOptions, path: "Source1.cs"));
        var driver = run.Driver.RunGenerators(edited);
        var steps = driver.GetRunResult().Results.Single().TrackedSteps[HeapGenerator.TrackingNames.Parse];
        Assert.All(steps.SelectMany(s => s.Outputs), o =>
            Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }
}
