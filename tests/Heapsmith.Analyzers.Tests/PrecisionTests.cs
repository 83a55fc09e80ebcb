// False positives met on real code (issue 12), each beside a twin that still reports the real bug:
// integer conditions that correlate, ownership returned inside a value, callees that keep a
// pointer only on success, round trips through IntPtr, ?: into an existing local, the escape
// option, Realloc in a loop and the stack-or-heap pattern whose heap branch returns.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class PrecisionTests
{
    // --- allocation and free under the same integer comparison ---

    [Fact]
    public Task SameUnchangedComparisonCorrelatesAllocationAndFree() => VerifyAsync(InClass("""
            const int Limit = 256;
            void M(int n)
            {
                byte* p;
                if (n > Limit)
                {
                    p = (byte*)H.Alloc((nuint)n);
                }
                else
                {
                    byte* s = stackalloc byte[Limit];
                    p = s;
                }

                p[0] = 1;
                if (n > Limit)
                {
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task MirroredComparisonCorrelatesToo() => VerifyAsync(InClass("""
            void M(int n, int limit)
            {
                byte* p;
                if (limit < n)
                {
                    p = (byte*)H.Alloc((nuint)n);
                }
                else
                {
                    byte* s = stackalloc byte[16];
                    p = s;
                }

                p[0] = 1;
                if (n <= limit)
                {
                    return;
                }

                H.Free(p);
            }
        """));

    [Fact]
    public Task ComparisonOfAVariableWrittenInBetweenDoesNotCorrelate() => VerifyAsync(InClass("""
            const int Limit = 256;
            static int Next(int n) => n - 1;
            void M(int n)
            {
                byte* p;
                if (n > Limit)
                {
                    p = (byte*){|#0:H.Alloc((nuint)n)|};
                }
                else
                {
                    byte* s = {|#2:stackalloc byte[Limit]|};
                    p = s;
                }

                p[0] = 1;
                n = Next(n);
                if (n > Limit)
                {
                    {|#1:H.Free(p)|};
                }
            }
        """), Diagnostic("HEAP003", 0), Diagnostic("HEAP002", 1, 2));

    [Fact]
    public Task ADifferentComparisonDoesNotCorrelate() => VerifyAsync(InClass("""
            const int Limit = 256;
            void M(int n)
            {
                byte* p;
                if (n > Limit)
                {
                    p = (byte*){|#0:H.Alloc((nuint)n)|};
                }
                else
                {
                    byte* s = {|#2:stackalloc byte[Limit]|};
                    p = s;
                }

                p[0] = 1;
                if (n > Limit + 1)
                {
                    {|#1:H.Free(p)|};
                }
            }
        """), Diagnostic("HEAP003", 0), Diagnostic("HEAP002", 1, 2));

    [Fact]
    public Task ManyComparisonsDoNotCrowdOutABoolFlag() => VerifyAsync(InClass("""
            static void Log(int k) { }
            void M(int n, int a, int b, int c)
            {
                bool small = n <= 256;
                byte* p;
                if (small)
                {
                    byte* s = stackalloc byte[256];
                    p = s;
                }
                else
                {
                    p = (byte*)H.Alloc((nuint)n);
                }

                if (a > 1)
                {
                    Log(a);
                }

                if (b > 2)
                {
                    Log(b);
                }

                if (c > 3)
                {
                    Log(c);
                }

                p[0] = 1;
                if (!small)
                {
                    H.Free(p);
                }
            }
        """));
}
