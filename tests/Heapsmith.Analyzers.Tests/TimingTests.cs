// Measures the analyzer on a generated ~20,000-line file of heap-using methods, in process:
// Roslyn's own telemetry for the analyzer (logAnalyzerExecutionTime) against the time to compile
// (bind and emit) the same file. The figure is written to the test output; time is not asserted
// (no timed assertions in unit tests), the findings are. Every method of the file touches a heap,
// so MethodFilter skips none: this is the analyzer's cost per analysed method, its worst case.
// The tests build the analyzer in Debug (JIT optimisations off: several times slower); the
// package ships it in Release:
//   dotnet test tests/Heapsmith.Analyzers.Tests -c Release --filter TimingTests --logger "console;verbosity=detailed"
// A few runs in one test process leave the JIT's tiering unfinished for the compiler and the
// analyzer alike; a long-lived build server or IDE runs both fully optimised, where both figures
// are several times smaller. The control-flow-graph figure is the floor under the analyzer's.
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Heapsmith.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Xunit.Abstractions;

namespace Heapsmith.Analyzers.Tests;

public sealed class TimingTests(ITestOutputHelper output)
{
    private const int TargetLines = 20_000;
    private const int Runs = 3;

    /// <summary>Method bodies, each with the number of HEAP diagnostics it must produce.</summary>
    private static readonly (string Body, int Findings)[] Templates =
    {
        ("""
            byte* p = (byte*)H.Alloc((nuint)n + 16);
            for (int i = 0; i < n; i++)
            {
                p[i % 16] = (byte)i;
            }

            H.Free(p);
        """, 0),
        ("""
            byte* p = (byte*)H.Alloc(64);
            try
            {
                if (n > 10)
                {
                    return;
                }

                p[0] = 1;
            }
            finally
            {
                H.Free(p);
            }
        """, 0),
        ("""
            byte* p = (byte*)H.Alloc(32);
            if (n > 4)
            {
                H.Free(p);
            }

            H.Free(p);
        """, 1),
        ("""
            byte* p = (byte*)H.Alloc(32);
            byte* q = p;
            q[1] = 2;
            if (n == 3)
            {
                return;
            }

            H.Free(q);
        """, 1),
        ("""
            using var arena = new Arena();
            int* a = (int*)arena.Alloc(16);
            int* b = (int*)arena.Alloc(16);
            for (int i = 0; i < 4; i++)
            {
                a[i] = b[i] + n;
            }
        """, 0),
        ("""
            bool small = n < 128;
            byte* p;
            if (small)
            {
                byte* s = stackalloc byte[128];
                p = s;
            }
            else
            {
                p = (byte*)H.Alloc((nuint)n);
            }

            p[0] = 1;
            if (!small)
            {
                H.Free(p);
            }
        """, 0),
        ("""
            void* p = NativeMemory.Alloc(8);
            switch (n)
            {
                case 0:
                    NativeMemory.Free(p);
                    break;
                case 1:
                    H.Free(p);
                    break;
                default:
                    NativeMemory.Free(p);
                    break;
            }
        """, 1),
    };

    [Fact]
    public async Task AnalyzerTimeOnTwentyThousandLines()
    {
        HeapUsageAnalyzer.RethrowFailures = true;
        var (source, lines, expected) = Generate();
        var tree = AnalyzerRunner.Parse(source);
        var heaps = AnalyzerRunner.Parse(AnalyzerHarness.Heaps);

        // Compile time: a fresh compilation bound and emitted. Both the compiler and the analyzer
        // are warmed up first on the whole file (JIT, tiering), as they are in a long-lived build
        // server or IDE; a half-warm analyzer mostly measures the JIT.
        AnalyzerRunner.Compile("warm", new[] { heaps, tree }).Emit(Stream.Null);
        await AnalyzerRunner.RunAsync(AnalyzerRunner.Compile("warm-analyzer", new[] { heaps, tree }));
        // The best of a few runs of each: the machine is shared, and noise only ever adds time.
        var compileTime = TimeSpan.MaxValue;
        var analyzerTime = TimeSpan.MaxValue;
        for (var run = 0; run < Runs; run++)
        {
            var watch = Stopwatch.StartNew();
            var emit = AnalyzerRunner.Compile("timed", new[] { heaps, tree }).Emit(Stream.Null);
            compileTime = watch.Elapsed < compileTime ? watch.Elapsed : compileTime;
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Take(5)));

            var result = await AnalyzerRunner.RunAsync(AnalyzerRunner.Compile("analyzed", new[] { heaps, tree }));
            Assert.Empty(result.Exceptions);
            Assert.Equal(expected, result.Heap.Count());
            analyzerTime = result.AnalyzerTime < analyzerTime ? result.AnalyzerTime : analyzerTime;
        }

        var graphTime = GraphTime(tree, heaps);
        var ratio = analyzerTime.TotalMilliseconds / compileTime.TotalMilliseconds;
        output.WriteLine($"{lines} lines, {Templates.Length} method shapes: compile {compileTime.TotalMilliseconds:F0} ms, " +
            $"HeapUsageAnalyzer {analyzerTime.TotalMilliseconds:F0} ms ({ratio:P1} of compile time), {expected} findings; " +
            $"of which Roslyn building the control-flow graphs alone takes {graphTime.TotalMilliseconds:F0} ms");
    }

    /// <summary>The floor under the analyzer's time: the control-flow graphs of every method (best of a few).</summary>
    private static TimeSpan GraphTime(SyntaxTree tree, SyntaxTree heaps)
    {
        var compilation = AnalyzerRunner.Compile("graphs", new[] { heaps, tree });
        var model = compilation.GetSemanticModel(tree);
        var bodies = tree.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>()
            .Select(m => (IMethodBodyOperation)model.GetOperation(m)!).ToList();
        var best = TimeSpan.MaxValue;
        for (var run = 0; run < Runs; run++)
        {
            var watch = Stopwatch.StartNew();
            foreach (var body in bodies)
            {
                ControlFlowGraph.Create(body);
            }

            best = watch.Elapsed < best ? watch.Elapsed : best;
        }

        return best;
    }

    private static (string Source, int Lines, int Findings) Generate()
    {
        var builder = new StringBuilder("using System;\nusing System.Runtime.InteropServices;\nusing Heapsmith;\n\nunsafe class Generated\n{\n");
        var lines = 6;
        var findings = 0;
        for (var i = 0; lines < TargetLines; i++)
        {
            var (body, count) = Templates[i % Templates.Length];
            var method = $"    void M{i}(int n)\n    {{\n{body}\n    }}\n\n";
            builder.Append(method);
            lines += method.Count(c => c == '\n');
            findings += count;
        }

        builder.Append("}\n");
        return (builder.ToString(), lines + 1, findings);
    }
}
