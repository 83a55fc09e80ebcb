// Incremental caching, observed through the driver's step tracking: an unrelated edit leaves
// every step Cached or Unchanged, and editing one heap's attribute re-runs only that heap.
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Heapsmith.Generators.Tests;

public class IncrementalTests
{
    private const string HeapA = """
        using Heapsmith;
        namespace Game;
        [HeapConfig(MaxSmallSize = 8192)]
        public static partial class HeapA { }
        """;

    private const string HeapB = """
        using Heapsmith;
        namespace Game;
        [HeapConfig]
        public sealed partial class HeapB { }
        """;

    private const string Unrelated = "namespace Game; public class Player { public int Health; }";

    private static readonly string[] TrackedSteps =
    {
        HeapGenerator.TrackingNames.Parse,
        HeapGenerator.TrackingNames.Diagnostics,
        HeapGenerator.TrackingNames.Heap,
        HeapGenerator.TrackingNames.DuplicateNames,
    };

    private static GeneratorRunResult Rerun(GeneratorRun first, int treeIndex, string newText)
    {
        var old = first.Input.SyntaxTrees.ElementAt(treeIndex);
        var edited = first.Input.ReplaceSyntaxTree(old, CSharpSyntaxTree.ParseText(newText, GeneratorHarness.ParseOptions, path: old.FilePath));
        return first.Driver.RunGenerators(edited).GetRunResult().Results.Single();
    }

    private static IEnumerable<(string Step, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string step) =>
        result.TrackedSteps.TryGetValue(step, out var steps)
            ? steps.SelectMany(s => s.Outputs).Select(o => (step, o.Reason))
            : Enumerable.Empty<(string, IncrementalStepRunReason)>();

    [Fact]
    public void Unrelated_edit_leaves_every_step_cached_or_unchanged()
    {
        var first = GeneratorHarness.Run(HeapA, HeapB, Unrelated);
        var second = Rerun(first, 2, "namespace Game; public class Player { public int Health; public int Mana; }");

        var outputs = TrackedSteps.SelectMany(step => Outputs(second, step)).ToList();
        Assert.Equal(TrackedSteps.Length, outputs.Select(o => o.Step).Distinct().Count()); // every step was observed
        Assert.All(outputs, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{o.Step}: {o.Reason}"));
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o =>
            Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {o.Reason}"));
    }

    [Fact]
    public void Changing_one_heaps_attribute_regenerates_only_that_heap()
    {
        var first = GeneratorHarness.Run(HeapA, HeapB, Unrelated);
        var second = Rerun(first, 0, HeapA.Replace("MaxSmallSize = 8192", "MaxSmallSize = 4096"));

        var heaps = second.TrackedSteps[HeapGenerator.TrackingNames.Heap].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(2, heaps.Count);
        Assert.Single(heaps, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Single(heaps, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
        var modified = (Model.HeapSpec)heaps.Single(o => o.Reason == IncrementalStepRunReason.Modified).Value;
        Assert.Equal("Game.HeapA", modified.Type.FullName);
        Assert.Equal(4096, modified.Config.MaxSmallSize);

        // The source outputs: HeapA's file changes, HeapB's is reused as it was.
        var sourceOutputs = second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).ToList();
        Assert.Contains(sourceOutputs, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(second.GeneratedSources, s => s.HintName == "Game.HeapB.g.cs");
        Assert.Contains("public const int MaxSmallSize = 4096;", second.GeneratedSources.Single(s => s.HintName == "Game.HeapA.g.cs").SourceText.ToString());
    }

    [Fact]
    public void Moving_a_heap_in_its_file_does_not_re_emit_it()
    {
        var first = GeneratorHarness.Run(HeapA, HeapB);
        var second = Rerun(first, 0, "// a comment that moves every line down\n" + HeapA);

        // The parse step sees new locations (diagnostics carry them), but the heap model is equal.
        var heaps = second.TrackedSteps[HeapGenerator.TrackingNames.Heap].SelectMany(s => s.Outputs);
        Assert.All(heaps, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
    }

    [Fact]
    public void Adding_a_member_to_a_heap_class_does_not_re_emit_it()
    {
        var first = GeneratorHarness.Run(HeapA, HeapB);
        var second = Rerun(first, 0, HeapA.Replace("public static partial class HeapA { }", "public static partial class HeapA { public static int Helper() => 1; }"));

        var heaps = second.TrackedSteps[HeapGenerator.TrackingNames.Heap].SelectMany(s => s.Outputs);
        Assert.All(heaps, o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, o.Reason.ToString()));
        Assert.Contains(second.TrackedSteps[HeapGenerator.TrackingNames.Parse].SelectMany(s => s.Outputs), o => o.Reason != IncrementalStepRunReason.Cached);
    }
}
