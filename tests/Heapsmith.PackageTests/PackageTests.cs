using System.IO;
using System.IO.Compression;
using System.Linq;

namespace Heapsmith.PackageTests;

/// <summary>
/// Pack → consume from a folder feed → build → run, as a user would. Each assertion fails if the
/// runtime, the generator or the analyzers are missing from the package.
/// </summary>
public class PackageTests : IClassFixture<PackageFixture>
{
    private readonly PackageFixture _package;

    public PackageTests(PackageFixture package) => _package = package;

    [Fact]
    public void Pack_makes_one_package_with_runtime_generator_and_analyzers()
    {
        Assert.True(_package.PackExitCode == 0, _package.PackOutput);
        Assert.NotNull(_package.PackagePath);
        Assert.Single(Directory.GetFiles(_package.Feed, "*.nupkg"));

        using var zip = ZipFile.OpenRead(_package.PackagePath!);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("lib/net8.0/Heapsmith.dll", entries);
        Assert.Contains("lib/net10.0/Heapsmith.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Heapsmith.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Heapsmith.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Heapsmith.CodeFixes.dll", entries);
        Assert.Contains("README.md", entries);

        // No dependency: one PackageReference is all a consumer needs.
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", System.StringComparison.Ordinal));
        using var reader = new StreamReader(nuspec.Open());
        var manifest = reader.ReadToEnd();
        Assert.DoesNotContain("<dependency ", manifest);
        Assert.Contains("<license type=\"expression\">MIT</license>", manifest);
        Assert.Contains("<repository ", manifest);
        Assert.Contains("<tags>", manifest);
    }

    [Fact]
    public void Consumer_gets_the_generated_heap_and_runs()
    {
        Assert.True(_package.PackExitCode == 0, _package.PackOutput);
        var consumer = _package.CreateConsumer("Consumer", """
            using System;
            using Heapsmith;

            [HeapConfig(MaxSmallSize = 8192, ClassesPerDoubling = 4)]
            static unsafe partial class GameHeap { }

            static class Program
            {
                static void Main()
                {
                    Console.WriteLine($"classes={GameHeap.SizeClassCount}");
                    Console.WriteLine($"good(100)={GameHeap.GoodSize(100)}");
                    Console.WriteLine($"good(8000)={GameHeap.GoodSize(8000)}");
                }
            }
            """);

        var (exit, output) = DotNetCli.Run(consumer, "run", "-c", "Release");
        Assert.True(exit == 0, output);
        // 16..8192 at four classes per doubling: 32 classes; 100 → 112; 8000 → 8192.
        Assert.Contains("classes=32", output);
        Assert.Contains("good(100)=112", output);
        Assert.Contains("good(8000)=8192", output);
    }

    [Fact]
    public void Invalid_configuration_in_consumer_is_an_error_at_the_argument()
    {
        Assert.True(_package.PackExitCode == 0, _package.PackOutput);
        var consumer = _package.CreateConsumer("BadConsumer", """
            using Heapsmith;

            [HeapConfig(MinBlockSize = 24)]
            static partial class BadHeap { }

            static class Program
            {
                static void Main() { }
            }
            """);

        var (exit, output) = DotNetCli.Run(consumer, "build", "-c", "Release");
        Assert.NotEqual(0, exit);
        // Line 3, column 13 is "MinBlockSize = 24" in the attribute.
        Assert.Matches(@"Program\.cs\(3,13\): error HEAP101: MinBlockSize = 24 is not a power of two; use 32", output);
        Assert.DoesNotContain("CS8785", output); // the generator did not crash
    }
}
