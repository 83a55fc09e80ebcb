using System;
using System.IO;
using System.Linq;

namespace Heapsmith.PackageTests;

/// <summary>
/// Packs src/Heapsmith once per test run into a fresh folder feed under a unique version, so a
/// consumer can never pick up a stale package from a cache.
/// </summary>
public sealed class PackageFixture : IDisposable
{
    public PackageFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "heapsmith-package-" + Guid.NewGuid().ToString("N")[..12]);
        Feed = Path.Combine(Root, "feed");
        Directory.CreateDirectory(Feed);
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

        var project = Path.Combine(DotNetCli.RepositoryRoot, "src", "Heapsmith", "Heapsmith.csproj");
        (PackExitCode, PackOutput) = DotNetCli.Run(DotNetCli.RepositoryRoot, "pack", project, "-c", "Release", "-o", Feed, "-p:Version=" + Version);
        PackagePath = Directory.GetFiles(Feed, "*.nupkg").SingleOrDefault();
    }

    public string Root { get; }

    public string Feed { get; }

    public string Version { get; }

    public int PackExitCode { get; }

    public string PackOutput { get; }

    public string? PackagePath { get; }

    /// <summary>Creates a console project outside the repository that references the package.</summary>
    public string CreateConsumer(string name, string programSource)
    {
        var directory = Path.Combine(Root, name);
        DotNetCli.WriteFile(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        // Empty props so nothing of a surrounding tree leaks in.
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            DotNetCli.WriteFile(Path.Combine(directory, file), "<Project />\n");
        }

        DotNetCli.WriteFile(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <AllowUnsafeBlocks>true</AllowUnsafeBlocks>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Heapsmith" Version="{Version}" />
              </ItemGroup>
            </Project>
            """);
        DotNetCli.WriteFile(Path.Combine(directory, "Program.cs"), programSource);
        return directory;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
