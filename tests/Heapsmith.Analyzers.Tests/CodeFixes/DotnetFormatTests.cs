// A real client applies the fixes: a sample project in a temp folder references the built
// analyzer and code-fix dlls as Analyzer items; with HEAP003 raised to error in its .editorconfig
// the build fails, `dotnet format analyzers --diagnostics HEAP003` fixes it (Fix All across the
// project, as the IDE's "Fix all occurrences"), and the build is then clean. About 25 s: the one
// slow test of the suite, kept because nothing else shows dotnet format loads and applies the fixes;
// `--filter Category!=Slow` skips it.
using System;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Heapsmith.CodeFixes;

namespace Heapsmith.Analyzers.Tests.CodeFixes;

public sealed class DotnetFormatTests
{
    private const string Leaks = """
        using System;

        public static unsafe class Leaks
        {
            public static int Sum(int n)
            {
                int* values = (int*)H.Alloc((nuint)(n * sizeof(int)));
                int* squares = (int*)G.Alloc((nuint)(n * sizeof(int)));
                int total = 0;
                for (int i = 0; i < n; i++)
                {
                    values[i] = i;
                    squares[i] = i * i;
                    total += values[i] + squares[i];
                }

                return total;
            }

            public static void* Rent(bool fail)
            {
                void* p = H.Alloc(64);
                if (fail)
                    return null;
                return p;
            }
        }

        """;

    private const string Fixed = """
        using System;

        public static unsafe class Leaks
        {
            public static int Sum(int n)
            {
                int* values = (int*)H.Alloc((nuint)(n * sizeof(int)));
                try
                {
                    int* squares = (int*)G.Alloc((nuint)(n * sizeof(int)));
                    try
                    {
                        int total = 0;
                        for (int i = 0; i < n; i++)
                        {
                            values[i] = i;
                            squares[i] = i * i;
                            total += values[i] + squares[i];
                        }

                        return total;
                    }
                    finally
                    {
                        G.Free(squares);
                    }
                }
                finally
                {
                    H.Free(values);
                }
            }

            public static void* Rent(bool fail)
            {
                void* p = H.Alloc(64);
                if (fail)
                {
                    H.Free(p);
                    return null;
                }
                return p;
            }
        }

        """;

    [Fact]
    [Trait("Category", "Slow")]
    public async Task DotnetFormatAppliesTheMissingFreeFixesAndTheProjectBuildsClean()
    {
        var folder = Directory.CreateTempSubdirectory("heapsmith-format-").FullName;
        try
        {
            WriteSample(folder);

            var before = await RunAsync(folder, "build", "Sample.csproj", "-nologo", "-nr:false", "-p:UseSharedCompilation=false");
            Assert.NotEqual(0, before.ExitCode);
            Assert.Contains("error HEAP003", before.Output, StringComparison.Ordinal);

            var format = await RunAsync(folder, "format", "analyzers", "Sample.csproj", "--diagnostics", "HEAP003", "--severity", "warn", "--no-restore");
            Assert.True(format.ExitCode == 0, format.Output);
            Assert.Equal(Fixed, File.ReadAllText(Path.Combine(folder, "Leaks.cs")).ReplaceLineEndings("\n"));

            var after = await RunAsync(folder, "build", "Sample.csproj", "-nologo", "-nr:false", "-p:UseSharedCompilation=false");
            Assert.True(after.ExitCode == 0, after.Output);
            Assert.DoesNotContain("HEAP0", after.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void WriteSample(string folder)
    {
        var bin = Path.GetDirectoryName(typeof(MissingFreeCodeFixProvider).Assembly.Location)!;
        File.WriteAllText(Path.Combine(folder, "Sample.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="{Path.Combine(bin, "Heapsmith.dll")}" />
                <Analyzer Include="{Path.Combine(bin, "Heapsmith.Analyzers.dll")}" />
                <Analyzer Include="{Path.Combine(bin, "Heapsmith.CodeFixes.dll")}" />
              </ItemGroup>
            </Project>
            """);

        // Stop MSBuild and .editorconfig lookups from reaching anything above the temp folder.
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(folder, ".editorconfig"), "root = true\n\n[*.cs]\ndotnet_diagnostic.HEAP003.severity = error\n");
        File.WriteAllText(Path.Combine(folder, "Heaps.cs"), AnalyzerHarness.Heaps);
        File.WriteAllText(Path.Combine(folder, "Leaks.cs"), Leaks);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
