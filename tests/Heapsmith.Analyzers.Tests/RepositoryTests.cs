// The analyzers over the repository's own runtime sources and samples (generator included):
// correct code must produce no HEAP diagnostic and no analyzer exception.
using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Heapsmith.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit.Abstractions;

namespace Heapsmith.Analyzers.Tests;

public sealed class RepositoryTests(ITestOutputHelper output)
{
    [Fact]
    public Task RuntimeSourcesAreClean() => VerifyCleanAsync("src/Heapsmith", runGenerator: false);

    [Fact]
    public Task SamplesAreClean() => VerifyCleanAsync("samples", runGenerator: true);

    private async Task VerifyCleanAsync(string folder, bool runGenerator)
    {
        var root = FindRepositoryRoot();
        var files = Directory.EnumerateFiles(Path.Combine(root, folder), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(files);
        Compilation compilation = AnalyzerRunner.Compile(folder.Replace('/', '.'), files.Select(f => AnalyzerRunner.Parse(File.ReadAllText(f), f)));
        if (runGenerator)
        {
            CSharpGeneratorDriver.Create(new HeapGenerator())
                .RunGeneratorsAndUpdateCompilation(compilation, out compilation, out _);
        }

        var result = await AnalyzerRunner.RunAsync(compilation);
        foreach (var diagnostic in result.Heap)
        {
            output.WriteLine(diagnostic.ToString());
        }

        Assert.Empty(result.Exceptions);
        Assert.Empty(result.Heap);
        output.WriteLine($"{files.Count} files, analyzer time {result.AnalyzerTime.TotalMilliseconds:F0} ms");
    }

    private static string FindRepositoryRoot()
    {
        if (Environment.GetEnvironmentVariable("HEAPSMITH_REPO_ROOT") is { Length: > 0 } overridden)
        {
            return overridden;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Generated.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Generated.sln not found above " + AppContext.BaseDirectory);
    }
}
