// Snapshot tests: the whole generated file for a few configurations, compared with stored
// expected files under Snapshots/ (see SnapshotAssert for how to update them).
using Microsoft.CodeAnalysis;

namespace Heapsmith.Generators.Tests;

public class SnapshotTests
{
    [Theory]
    [InlineData("DefaultStatic", """
        using Heapsmith;
        namespace Game;
        [HeapConfig]
        public static unsafe partial class GameHeap { }
        """)]
    [InlineData("NestedInstance", """
        using Heapsmith;
        namespace Game.Frames
        {
            public static partial class Outer
            {
                [HeapConfig(ClassesPerDoubling = 1, MinBlockSize = 8, Alignment = 8, MaxSmallSize = 4096, ThreadSafe = false, PurgeDelayMs = 0)]
                internal sealed partial class FrameArena { }
            }
        }
        """)]
    [InlineData("ExplicitClasses", """
        using Heapsmith;
        [HeapConfig(SizeClasses = new[] { 32, 64, 96, 128, 256, 384, 512 }, PageSize = 16384, Backend = HeapBackend.NativeMemory, Checks = HeapChecks.All)]
        static partial class TinyHeap { }
        """)]
    [InlineData("FineLargePages", """
        using Heapsmith;
        namespace Server;
        [HeapConfig(ClassesPerDoubling = 8, MaxSmallSize = 65536, PageSize = 131072, SegmentSize = 8388608, Backend = HeapBackend.Brk, Checks = HeapChecks.DoubleFree | HeapChecks.Canary)]
        public static partial class RequestHeap { }
        """)]
    public void Generated_source_matches_snapshot(string name, string source)
    {
        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
        var generated = Assert.Single(run.Result.GeneratedSources);
        SnapshotAssert.Matches(name + ".g.cs", generated.SourceText.ToString());
    }

    [Fact]
    public void A_difference_names_the_line_and_how_to_accept_it()
    {
        var message = SnapshotAssert.Describe("X.g.cs", "a\nb\nc\nd", "a\nb\nC\nd");
        Assert.Contains("differs from snapshot X.g.cs at line 3", message);
        Assert.Contains("-     3   c", message);
        Assert.Contains("+     3   C", message);
        Assert.Contains(SnapshotAssert.UpdateVariable + "=1", message);
    }

    [Fact]
    public void Update_mode_rewrites_and_compare_mode_fails_on_a_difference()
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "heapsmith-snapshots-" + System.Guid.NewGuid().ToString("N"));
        try
        {
            SnapshotAssert.Matches("X.g.cs", "line 1\nline 2\n", directory, update: true);
            Assert.Equal("line 1\nline 2\n", System.IO.File.ReadAllText(System.IO.Path.Combine(directory, "X.g.cs")));
            SnapshotAssert.Matches("X.g.cs", "line 1\r\nline 2\r\n", directory, update: false); // line ends do not count

            var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SnapshotAssert.Matches("X.g.cs", "line 1\nline two\n", directory, update: false));
            Assert.Contains("at line 2", failure.Message);
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SnapshotAssert.Matches("Missing.g.cs", "x", directory, update: false));
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void The_generator_version_is_not_part_of_a_snapshot()
    {
        var directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "heapsmith-snapshots-" + System.Guid.NewGuid().ToString("N"));
        try
        {
            SnapshotAssert.Matches("V.g.cs", "[GeneratedCode(\"Heapsmith.Generators\", \"0.1.0.0\")]", directory, update: true);
            SnapshotAssert.Matches("V.g.cs", "[GeneratedCode(\"Heapsmith.Generators\", \"2.3.4.5\")]", directory, update: false);
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }
}
