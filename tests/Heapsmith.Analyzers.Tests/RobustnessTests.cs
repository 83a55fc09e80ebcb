// The analyzer must never throw (AD0001): it runs here over many broken variants of heap-using
// code (spans cut out, tokens inserted, files truncated), deterministically seeded, with failures
// surfaced instead of swallowed. The seeds cover every concept: aliases, regions, arenas,
// annotations, lambdas and local functions run where they are called (recursion included),
// delegate locals and method groups, and interior pointers with symbolic offsets.
using System;
using System.Collections.Generic;
using System.Text;
using System.Threading.Tasks;
using Heapsmith.Analyzers;

namespace Heapsmith.Analyzers.Tests;

public sealed class RobustnessTests
{
    private const int Variants = 180;

    private static readonly string[] Seeds =
    {
        """
        unsafe class C
        {
            byte* _f;
            struct S { public byte* P; }
            void M(bool c, int n, Arena a)
            {
                byte* p = (byte*)H.Alloc(16);
                byte** pp = &p;
                ref byte* r = ref p;
                S s = default;
                s.P = p;
                if (c) { H.Free(*pp); p = null; } else { goto L; }
                for (int i = 0; i < n; i++) { byte* q = stackalloc byte[4]; q[i] = 1; p++; p -= 1; }
            L:
                try { _f = (byte*)a.Alloc(8); } catch (Exception) { throw; } finally { H.Free(r); }
                switch (n) { case 1: H.Free(s.P); break; default: a.Dispose(); break; }
                byte* w = p; Action f = () => H.Free(w);
                nint h = (nint)p; H.Free((void*)h);
                fixed (byte* x = new byte[2]) { H.Free(x); }
                var sp = new Span<byte>(p, 4); while (true) { break; } do { } while (false);
                p = n > 3 ? (byte*)H.Realloc(p, 32) : null;
                if (p != null) H.Free(p);
            }
        }
        """,
        """
        unsafe static class D
        {
            [return: OwnershipReturns] static byte* Rent() => (byte*)NativeMemory.Alloc(4);
            static void Give([OwnershipTakes] byte* p) => NativeMemory.Free(p);
            static byte* Make(out byte* o) { o = (byte*)H.Alloc(1); return o + 1; }
            static int Local(int n)
            {
                using var arena = new Arena();
                var p = (int*)arena.Alloc(4);
                int Inner(int k) { var q = Rent(); Give(q); return k; }
                var m = Marshal.AllocHGlobal(4);
                Marshal.FreeHGlobal(m);
                return Inner(n) + p[0] + (H.Owns(p) ? 1 : 0);
            }
        }
        """,
        """
        unsafe class E
        {
            Action _f;
            static void Each(int[] xs, Action<int> a) { foreach (var x in xs) a(x); }
            void M(int i, long n, int[] xs, bool c)
            {
                byte* p = (byte*)H.Alloc(64);
                int* q = (int*)p + i;
                q -= i;
                byte* r = p + n;
                r = &r[-n];
                Action a = () => *p = 1;
                Action b = c ? a : null;
                Func<int, int> twice = k => Twice(k);
                void Release() { H.Free(p); p = null; }
                int Twice(int k) => k <= 0 ? Recurse(k) : Twice(k - 1);
                int Recurse(int k) => Twice(k + 1) + p[0];
                void Chain(byte* x) { if (x != null) Release(); Each(xs, v => x[v] = 0); }
                a();
                a.Invoke();
                twice(2);
                b?.Invoke();
                Each(xs, v => p[v] = (byte)v);
                Action g = Release;
                Chain(p);
                g();
                _f = () => H.Free(q);
                ((Action)(() => H.Free(r)))();
                H.Free(p + i);
                H.Free(&p[1]);
                H.Free(q);
            }
        }
        """,
    };

    private static readonly string[] Tokens =
    {
        "{", "}", "(", ")", ";", "*", "&", "H.Free(p)", "stackalloc byte[4]", "goto L;", "L:", "try {", "finally {",
        "catch {", "=>", "ref", "out", "null", "fixed (", "return", "throw", "?", ":", "??", "p->", "[", "]", "using",
        "await", "yield return", "unsafe", "delegate", "=", "==", "!", "switch", "case 1:", "default:", "while (true)",
        "do", "break;", "continue;", "lock (this)", "H.Alloc(", "a.Dispose()", "*pp", "&p", "new", "int", "byte*",
        "() =>", "x =>", "a();", "Local();", "void Local() {", "static", "+ i", "- n", "&p[i]", "p + 8", "q -= i;", "Action", "Invoke()",
    };

    [Fact]
    public async Task BrokenCodeNeverMakesTheAnalyzerThrow()
    {
        HeapUsageAnalyzer.RethrowFailures = true;
        var random = new Random(20261126);
        var failures = new List<string>();
        for (var i = 0; i < Variants; i++)
        {
            var source = Mutate(Seeds[i % Seeds.Length], random);
            var compilation = AnalyzerRunner.Compile("robust" + i, new[]
            {
                AnalyzerRunner.Parse(AnalyzerHarness.Heaps),
                AnalyzerRunner.Parse("using System;\nusing System.Runtime.InteropServices;\nusing Heapsmith;\n" + source),
            });
            var result = await AnalyzerRunner.RunAsync(compilation);
            foreach (var exception in result.Exceptions)
            {
                failures.Add($"variant {i}: {exception.GetType().Name}: {exception.Message}\n{exception.StackTrace}\n--- source ---\n{source}");
            }

            foreach (var diagnostic in result.Diagnostics)
            {
                if (diagnostic.Id == "AD0001")
                {
                    failures.Add($"variant {i}: {diagnostic}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }

    [Fact]
    public async Task UnmutatedSeedsCompileAndAreAnalysed()
    {
        HeapUsageAnalyzer.RethrowFailures = true;
        foreach (var seed in Seeds)
        {
            var compilation = AnalyzerRunner.Compile("seed", new[]
            {
                AnalyzerRunner.Parse(AnalyzerHarness.Heaps),
                AnalyzerRunner.Parse("using System;\nusing System.Runtime.InteropServices;\nusing Heapsmith;\n" + seed),
            });
            Assert.DoesNotContain(compilation.GetDiagnostics(), d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);
            var result = await AnalyzerRunner.RunAsync(compilation);
            Assert.Empty(result.Exceptions);
        }
    }

    private static string Mutate(string source, Random random)
    {
        var text = new StringBuilder(source);
        var edits = 1 + random.Next(6);
        for (var e = 0; e < edits && text.Length > 0; e++)
        {
            var at = random.Next(text.Length);
            switch (random.Next(4))
            {
                case 0:
                    text.Remove(at, Math.Min(text.Length - at, 1 + random.Next(40)));
                    break;
                case 1:
                case 2:
                    text.Insert(at, " " + Tokens[random.Next(Tokens.Length)] + " ");
                    break;
                default:
                    text.Length = at;
                    break;
            }
        }

        return text.ToString();
    }
}
