// Compares generated source with a stored expected file under Snapshots/. With the environment
// variable HEAPSMITH_UPDATE_SNAPSHOTS=1 it rewrites the file instead; otherwise a difference fails
// with the first differing line, a few lines of context and how to accept the change.
using System;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Heapsmith.Generators.Tests;

internal static class SnapshotAssert
{
    public const string UpdateVariable = "HEAPSMITH_UPDATE_SNAPSHOTS";
    private const int ContextLines = 3;

    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>The folder of this source file: snapshots are read from and written to the source tree.</summary>
    public static string TestsDirectory([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    public static string RepositoryRoot() => Path.GetFullPath(Path.Combine(TestsDirectory(), "..", ".."));

    /// <summary>Asserts that <paramref name="actual"/> equals the stored snapshot, or rewrites it when updating.</summary>
    /// <param name="directory">Where snapshots live; the Snapshots folder beside this file by default.</param>
    /// <param name="update">Rewrite instead of compare; from <see cref="UpdateVariable"/> by default.</param>
    public static void Matches(string name, string actual, string? directory = null, bool? update = null)
    {
        var path = Path.Combine(directory ?? Path.Combine(TestsDirectory(), "Snapshots"), name);
        actual = Normalize(actual);
        if (update ?? Updating)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            return;
        }

        if (!File.Exists(path))
        {
            Assert.Fail($"No snapshot {path}; run the tests with {UpdateVariable}=1 to create it.");
        }

        var expected = Normalize(File.ReadAllText(path));
        if (expected != actual)
        {
            Assert.Fail(Describe(name, expected, actual));
        }
    }

    /// <summary>Line ends and the generator's version (which changes with every release) are not part of a snapshot.</summary>
    private static string Normalize(string text) =>
        Regex.Replace(text.Replace("\r\n", "\n"), "GeneratedCode\\(\"Heapsmith.Generators\", \"[^\"]*\"\\)", "GeneratedCode(\"Heapsmith.Generators\", \"<version>\")");

    /// <summary>The first differing line with context, as a reader wants to see it.</summary>
    public static string Describe(string name, string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var line = 0;
        while (line < e.Length && line < a.Length && e[line] == a[line])
        {
            line++;
        }

        var text = new StringBuilder();
        text.AppendLine($"Generated source differs from snapshot {name} at line {line + 1} (expected {e.Length} lines, got {a.Length}).");
        for (var i = Math.Max(0, line - ContextLines); i < line; i++)
        {
            text.AppendLine($"  {i + 1,5}   {e[i]}");
        }

        for (var i = line; i < Math.Min(e.Length, line + ContextLines); i++)
        {
            text.AppendLine($"- {i + 1,5}   {e[i]}");
        }

        for (var i = line; i < Math.Min(a.Length, line + ContextLines); i++)
        {
            text.AppendLine($"+ {i + 1,5}   {a[i]}");
        }

        text.Append($"If the change is intended, run the tests with {UpdateVariable}=1 and review the diff of Snapshots/.");
        return text.ToString();
    }
}
