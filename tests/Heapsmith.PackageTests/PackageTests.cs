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
                static unsafe void Main()
                {
                    Console.WriteLine($"classes={GameHeap.SizeClassCount}");
                    Console.WriteLine($"good(100)={GameHeap.GoodSize(100)}");
                    Console.WriteLine($"good(8000)={GameHeap.GoodSize(8000)}");
                    var p = (byte*)GameHeap.Alloc(100);
                    p[99] = 42;
                    Console.WriteLine($"usable={GameHeap.UsableSize(p)} owns={GameHeap.Owns(p)} value={p[99]}");
                    GameHeap.Free(p);
                    using (var arena = new FrameArena())
                    {
                        var q = (long*)arena.Alloc<long>(4);
                        q[3] = 7;
                        Console.WriteLine($"arena={q[3]} inUse={arena.GetStats().BytesInUse}");
                    }
                }

                // Written wrong on purpose: the analyzers in the package must say so.
                static unsafe void Misuse()
                {
                    var p = GameHeap.Alloc(16);
                    GameHeap.Free(p);
                    GameHeap.Free(p);
                }

                static unsafe void FreeOfStack()
                {
                    int local = 0;
                    GameHeap.Free(&local);
                }

                static unsafe void Leak()
                {
                    var p = GameHeap.Alloc(16);
                    Console.WriteLine((nint)p);
                }

                static unsafe void UseAfterFree()
                {
                    var p = (byte*)GameHeap.Alloc(16);
                    GameHeap.Free(p);
                    p[0] = 1;
                }
            }

            [HeapConfig(ThreadSafe = false)]
            sealed unsafe partial class FrameArena { }
            """);

        var (exit, output) = DotNetCli.Run(consumer, "run", "-c", "Release");
        Assert.True(exit == 0, output);
        // 16..8192 at four classes per doubling: 32 classes; 100 → 112; 8000 → 8192.
        Assert.Contains("classes=32", output);
        Assert.Contains("good(100)=112", output);
        Assert.Contains("good(8000)=8192", output);
        // The engine ran: a real block of the planned size, owned by the heap, contents kept.
        Assert.Contains("usable=112 owns=True value=42", output);
        Assert.Contains("arena=7 inUse=32", output);
        // The analyzer in the package reported the double free, at the second free.
        Assert.Matches(@"Program\.cs\(31,9\): warning HEAP001: ", output);
        Assert.Matches(@"Program\.cs\(37,9\): warning HEAP002: ", output);
        Assert.Matches(@"Program\.cs\(42,17\): warning HEAP003: ", output);
        Assert.Matches(@"Program\.cs\(50,9\): warning HEAP004: ", output);
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
