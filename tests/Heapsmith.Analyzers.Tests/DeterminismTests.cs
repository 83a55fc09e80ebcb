// A method's summary must depend on the method alone, not on which caller asked for it first: the
// same methods declared in every order (each unit in its own file, so positions and messages stay
// comparable), analysed with concurrent execution several times, give the same diagnostics every
// time. The units hold mutual recursion (a cycle a lazy, cut-short summary answers differently
// depending on where it is entered) and a chain of helpers deeper than any fixed depth limit.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;

namespace Heapsmith.Analyzers.Tests;

public sealed class DeterminismTests
{
    private const int RunsPerOrder = 3;

    private static readonly (string Name, string Text)[] Units =
    {
        ("Ping", """
            static void Ping(byte* p, int n)
            {
                if (n > 0)
                {
                    Pong(p, n - 1);
                }
                else
                {
                    H.Free(p);
                }
            }

            static void UsePong()
            {
                byte* p = (byte*)H.Alloc(16);
                Pong(p, 3);
                H.Free(p);
            }
            """),
        ("Pong", """
            static void Pong(byte* p, int n) => Ping(p, n);

            static void UsePing()
            {
                byte* p = (byte*)H.Alloc(16);
                Ping(p, 3);
                H.Free(p);
            }
            """),
        ("Low", """
            static byte* Make1() => Make2();
            static byte* Make2() => Make3();
            static byte* Make3() => Make4();
            static byte* Make4() => Make5();

            static void Leaks()
            {
                byte* p = Make1();
                p[0] = 1;
            }
            """),
        ("High", """
            static byte* Make5() => Make6();
            static byte* Make6() => Make7();
            static byte* Make7() => Make8();
            static byte* Make8() => (byte*)H.Alloc(16);

            static void AlsoLeaks()
            {
                byte* p = Make5();
                p[0] = 1;
            }
            """),
    };

    [Fact]
    public async Task EveryDeclarationOrderGivesTheSameDiagnostics()
    {
        HeapUsageAnalyzer.RethrowFailures = true;
        string? first = null;
        foreach (var order in Permutations(Enumerable.Range(0, Units.Length).ToList()))
        {
            for (var run = 0; run < RunsPerOrder; run++)
            {
                var trees = order.Select(i => AnalyzerRunner.Parse(
                    "using Heapsmith;\n\nunsafe partial class C\n{\n" + Units[i].Text + "\n}\n", Units[i].Name + ".cs"))
                    .Prepend(AnalyzerRunner.Parse(AnalyzerHarness.Heaps, "Heaps.cs"));
                var result = await AnalyzerRunner.RunAsync(AnalyzerRunner.Compile("order", trees), concurrent: true);
                Assert.Empty(result.Exceptions);
                var seen = string.Join("\n", result.Heap
                    .Select(d => $"{d.Location.SourceTree?.FilePath}:{d.Location.GetLineSpan().StartLinePosition} {d.Id} {d.GetMessage()}")
                    .OrderBy(s => s, StringComparer.Ordinal));
                first ??= seen;
                Assert.True(first == seen, $"order {string.Join(",", order.Select(i => Units[i].Name))}, run {run}:\n{seen}\n\nfirst:\n{first}");
            }
        }

        // The answer every order agrees on is the precise one: the helpers may free (HEAP001 after
        // them) and both ends of the deep chain return the block (HEAP003 in both callers).
        Assert.Equal(2, first!.Split('\n').Count(line => line.Contains("HEAP001", StringComparison.Ordinal)));
        Assert.Equal(2, first.Split('\n').Count(line => line.Contains("HEAP003", StringComparison.Ordinal)));
    }

    private static IEnumerable<List<int>> Permutations(List<int> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
            {
                yield return tail.Prepend(items[i]).ToList();
            }
        }
    }
}
