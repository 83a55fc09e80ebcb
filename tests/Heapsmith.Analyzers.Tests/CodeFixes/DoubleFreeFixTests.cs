// HEAP001 code fixes: removing a second free on the same path, setting the pointer to null after
// the first free on another path (or in a loop), and neither when it would be wrong.
using System.Threading.Tasks;
using Heapsmith.CodeFixes;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;
using static Heapsmith.Analyzers.Tests.CodeFixes.CodeFixHarness;

namespace Heapsmith.Analyzers.Tests.CodeFixes;

public sealed class DoubleFreeFixTests
{
    private const string SameFreeTwice = """
            void M(bool log)
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                if (log)
                    Console.WriteLine("freed");
                {|#0:H.Free(p)|};
            }
        """;

    [Fact]
    public Task SecondFreeOnTheSamePathIsRemoved() => VerifyFixAsync<DoubleFreeCodeFixProvider>(InClass(SameFreeTwice), InClass("""
            void M(bool log)
            {
                byte* p = (byte*)H.Alloc(16);
                H.Free(p);
                if (log)
                    Console.WriteLine("freed");
            }
        """), DoubleFreeCodeFixProvider.RemoveKey, Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task PointerIsSetToNullAfterTheFirstFreeOnTheSamePath() => VerifyFixAsync<DoubleFreeCodeFixProvider>(InClass(SameFreeTwice), InClass("""
            void M(bool log)
            {
                byte* p = (byte*)H.Alloc(16);
                H.Free(p);
                p = null;
                if (log)
                    Console.WriteLine("freed");
                H.Free(p);
            }
        """), DoubleFreeCodeFixProvider.SetNullKey, Diagnostic("HEAP001", 0, 1));

    private const string FreedOnAnotherPath = """
            void M(bool failed)
            {
                void* p = H.Alloc(64);
                if (failed)
                    {|#1:H.Free(p)|};
                {|#0:H.Free(p)|};
            }
        """;

    [Fact]
    public Task FreeOnAnotherPathIsMadeANoOpWithNull() => VerifyFixAsync<DoubleFreeCodeFixProvider>(InClass(FreedOnAnotherPath), InClass("""
            void M(bool failed)
            {
                void* p = H.Alloc(64);
                if (failed)
                {
                    H.Free(p);
                    p = null;
                }
                H.Free(p);
            }
        """), DoubleFreeCodeFixProvider.SetNullKey, Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task FreeOnAnotherPathIsNotRemoved() =>
        VerifyNoFixAsync<DoubleFreeCodeFixProvider>(InClass(FreedOnAnotherPath), DoubleFreeCodeFixProvider.RemoveKey, Diagnostic("HEAP001", 0, 1));

    // The fixed loop would be correct, but the analysis merges iterations and still reports it.
    [Fact]
    public Task FreeRepeatedByALoopIsNotOfferedANullFix() => VerifyNoFixAsync<DoubleFreeCodeFixProvider>(InClass("""
            void M(int n)
            {
                byte* p = (byte*)H.Alloc(16);
                do
                {
                    {|#0:H.Free(p)|};
                }
                while (--n > 0);
            }
        """), DoubleFreeCodeFixProvider.SetNullKey, Diagnostic("HEAP001", 0, 0));

    [Fact]
    public Task ReassignedPointerIsNotRemoved() => VerifyNoFixAsync<DoubleFreeCodeFixProvider>(InClass("""
            void M(bool again)
            {
                void* p = H.Alloc(64);
                {|#1:H.Free(p)|};
                if (again)
                    p = H.Alloc(64);
                {|#0:H.Free(p)|};
            }
        """), DoubleFreeCodeFixProvider.RemoveKey, Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task PointerRefilledThroughOutIsNotRemoved() => VerifyNoFixAsync<DoubleFreeCodeFixProvider>(InClass("""
            static extern bool Refill(out void* p);

            void M(bool again)
            {
                void* p = H.Alloc(64);
                {|#1:H.Free(p)|};
                if (again)
                    Refill(out p);
                {|#0:H.Free(p)|};
            }
        """), DoubleFreeCodeFixProvider.RemoveKey, Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task AliasFreedTwiceIsRemovedButNotNulled() => VerifyFixAsync<DoubleFreeCodeFixProvider>(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                byte* q = p;
                {|#1:H.Free(q)|};
                {|#0:H.Free(p)|};
            }
        """), InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                byte* q = p;
                H.Free(q);
            }
        """), DoubleFreeCodeFixProvider.RemoveKey, Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task FixAllInTheDocumentRemovesEverySecondFree() => VerifyFixAsync<DoubleFreeCodeFixProvider>(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:H.Free(p)|};
            }

            void N(Arena arena)
            {
                void* q = arena.Alloc(16);
                {|#3:arena.Free(q)|};
                {|#2:arena.Free(q)|};
            }
        """), InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                H.Free(p);
            }

            void N(Arena arena)
            {
                void* q = arena.Alloc(16);
                arena.Free(q);
            }
        """), DoubleFreeCodeFixProvider.RemoveKey, Diagnostic("HEAP001", 0, 1), Diagnostic("HEAP001", 2, 3));
}
