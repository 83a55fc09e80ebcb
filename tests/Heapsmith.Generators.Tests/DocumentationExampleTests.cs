// The examples of docs/diagnostics/HEAPnnn.md are compiled with the generator: each "Bad" example
// must raise its page's diagnostic and each "Fixed" example none, so the pages cannot go stale.
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace Heapsmith.Generators.Tests;

public class DocumentationExampleTests
{
    /// <summary>Bad examples that are abbreviated or not C# (a project file), so cannot be compiled as they stand.</summary>
    private static readonly HashSet<string> IllustrativeBadExamples = new() { "HEAP107", "HEAP109" };

    private static IEnumerable<string> Ids() =>
        Directory.GetFiles(Path.Combine(SnapshotAssert.RepositoryRoot(), "docs", "diagnostics"), "HEAP1*.md")
            .Select(path => Path.GetFileNameWithoutExtension(path)!)
            .OrderBy(id => id, System.StringComparer.Ordinal);

    public static IEnumerable<object[]> Pages() => Ids().Select(id => new object[] { id });

    public static IEnumerable<object[]> PagesWithCompilableBadExamples() =>
        Ids().Where(id => !IllustrativeBadExamples.Contains(id)).Select(id => new object[] { id });

    private static string Example(string id, string section)
    {
        var page = File.ReadAllText(Path.Combine(SnapshotAssert.RepositoryRoot(), "docs", "diagnostics", id + ".md"));
        var match = Regex.Match(page, "## " + section + "\\s*```(\\w+)\\n(.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, $"{id}.md has no {section} example");
        return match.Groups[1].Value == "csharp" ? "using Heapsmith;\n" + match.Groups[2].Value : string.Empty;
    }

    [Theory]
    [MemberData(nameof(PagesWithCompilableBadExamples))]
    public void Bad_example_raises_the_diagnostic(string id)
    {
        var run = GeneratorHarness.Run(Example(id, "Bad"));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == id);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void Fixed_example_compiles_without_a_diagnostic(string id)
    {
        var source = Example(id, "Fixed");
        if (source.Length == 0)
        {
            return; // a project-file fix (HEAP109) has no C# to compile
        }

        var run = GeneratorHarness.Run(source);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.OutputDiagnostics);
    }
}
