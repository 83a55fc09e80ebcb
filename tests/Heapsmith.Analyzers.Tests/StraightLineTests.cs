// Straight-line code and aliases: the base cases of every diagnostic.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class StraightLineTests
{
    [Fact]
    public Task DoubleFreeIsReportedAtTheSecondFree() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task SingleFreeIsClean() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                *(byte*)p = 1;
                H.Free(p);
            }
        """));

    [Fact]
    public Task DoubleFreeThroughAnAliasIsReported() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                byte* q = p;
                {|#1:H.Free(q)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task AliasFreedOnceIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                byte* q = p;
                q[0] = 1;
                H.Free(q);
            }
        """));

    [Fact]
    public Task MissingFreeIsReportedAtTheAllocation() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                p[0] = 1;
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task DiscardedAllocationLeaks() => VerifyAsync(InClass("""
            void M()
            {
                {|#0:H.Alloc(16)|};
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task UseAfterFreeIsReportedAtTheUse() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:*p|} = 1;
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task UsesOfEveryShapeAfterFreeAreReported() => VerifyAsync(InClass("""
            struct S { public int X; }
            static void Use(void* p) { }
            void M()
            {
                S* s = (S*)H.Alloc(16);
                byte* b = (byte*)s;
                {|#1:H.Free(s)|};
                int x = {|#0:s->X|};
                byte y = {|#2:b[3]|};
                Use({|#3:b|});
            }
        """), Diagnostic("HEAP004", 0, 1), Diagnostic("HEAP004", 2, 1), Diagnostic("HEAP004", 3, 1));

    [Fact]
    public Task UsesBeforeFreeAreClean() => VerifyAsync(InClass("""
            struct S { public int X; }
            static void Use(void* p) { }
            void M()
            {
                S* s = (S*)H.Alloc(16);
                s->X = 1;
                int x = s->X + (*s).X + s[0].X;
                Use(s);
                H.Free(s);
            }
        """));

    [Fact]
    public Task FreeOfStackMemoryIsReported() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = {|#1:stackalloc byte[16]|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task ParameterFreedTwiceIsADoubleFree() => VerifyAsync(InClass("""
            void M(byte* p)
            {
                {|#1:H.Free(p)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task BorrowedParameterNeedsNoFree() => VerifyAsync(InClass("""
            void M(byte* p)
            {
                p[0] = 1;
            }
        """));
}
