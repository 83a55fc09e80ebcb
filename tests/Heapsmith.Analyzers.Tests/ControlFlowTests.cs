// Branches, loops, early exits, exceptions: the flow variants of the NIST Juliet suite.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class ControlFlowTests
{
    [Fact]
    public Task FreeOnOneBranchThenAgainIsAMaybeDoubleFree() => VerifyAsync(InClass("""
            void M(bool c)
            {
                void* p = H.Alloc(16);
                if (c)
                {
                    {|#1:H.Free(p)|};
                }

                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task FreeInBothBranchesIsClean() => VerifyAsync(InClass("""
            static bool Decide() => true;
            void M()
            {
                void* p = H.Alloc(16);
                if (Decide())
                {
                    H.Free(p);
                }
                else
                {
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task FreeOnOneBranchOnlyLeaksOnTheOther() => VerifyAsync(InClass("""
            static bool Decide() => true;
            void M()
            {
                void* p = {|#0:H.Alloc(16)|};
                if (Decide())
                {
                    H.Free(p);
                }
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task EarlyReturnLeaks() => VerifyAsync(InClass("""
            void M(bool c)
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                if (c)
                {
                    p[0] = 1;
                    {|#1:return;|}
                }

                H.Free(p);
            }
        """), Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task EarlyReturnAfterFreeIsClean() => VerifyAsync(InClass("""
            void M(bool c)
            {
                byte* p = (byte*)H.Alloc(16);
                if (c)
                {
                    H.Free(p);
                    return;
                }

                H.Free(p);
            }
        """));

    [Fact]
    public Task ExplicitThrowLeaks() => VerifyAsync(InClass("""
            void M(int n)
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                if (n < 0)
                {
                    throw {|#1:new ArgumentOutOfRangeException(nameof(n))|};
                }

                H.Free(p);
            }
        """), Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task ThrowAfterFreeAndCallsThatMayThrowAreNotLeaks() => VerifyAsync(InClass("""
            static void MayThrow() { }
            void M(int n)
            {
                byte* p = (byte*)H.Alloc(16);
                MayThrow();
                if (n < 0)
                {
                    H.Free(p);
                    throw new ArgumentOutOfRangeException(nameof(n));
                }

                H.Free(p);
            }
        """));

    [Fact]
    public Task TryFinallyFreesOnEveryExit() => VerifyAsync(InClass("""
            static void Use(byte* p) { }
            int M(bool c)
            {
                byte* p = (byte*)H.Alloc(16);
                try
                {
                    if (c)
                    {
                        return 1;
                    }

                    if (p[0] == 2)
                    {
                        throw new InvalidOperationException();
                    }

                    Use(p);
                    return 0;
                }
                finally
                {
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task FreeInTryAndAgainInFinallyIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                try
                {
                    {|#1:H.Free(p)|};
                }
                finally
                {
                    {|#0:H.Free(p)|};
                }
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task TryCatchThatFreesOnBothPathsIsClean() => VerifyAsync(InClass("""
            static void Use(byte* p) { }
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                try
                {
                    Use(p);
                }
                catch (InvalidOperationException)
                {
                    H.Free(p);
                    throw;
                }

                H.Free(p);
            }
        """));

    [Fact]
    public Task CatchThatRethrowsWithoutFreeLeaks() => VerifyAsync(InClass("""
            static void Use(byte* p) { }
            void M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                try
                {
                    Use(p);
                }
                catch (InvalidOperationException)
                {
                    {|#1:throw;|}
                }

                H.Free(p);
            }
        """), Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task LoopAllocatingAndFreeingEachIterationIsClean() => VerifyAsync(InClass("""
            void M(int n)
            {
                for (int i = 0; i < n; i++)
                {
                    byte* p = (byte*)H.Alloc(16);
                    p[0] = (byte)i;
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task LoopOverwritingTheOnlyPointerLeaks() => VerifyAsync(InClass("""
            void M(int n)
            {
                byte* p = null;
                for (int i = 0; i < n; i++)
                {
                    {|#1:p = (byte*){|#0:H.Alloc(16)|}|};
                }

                H.Free(p);
            }
        """), Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task LoopFreeingTheSamePointerEachIterationIsADoubleFree() => VerifyAsync(InClass("""
            void M(int n)
            {
                byte* p = (byte*){|#1:H.Alloc(16)|};
                for (int i = 0; i < n; i++)
                {
                    {|#0:H.Free(p)|};
                }
            }
        """), Diagnostic("HEAP001", 0, 0), Diagnostic("HEAP003", 1));

    [Fact]
    public Task GotoAroundTheFreeLeaks() => VerifyAsync(InClass("""
            void M(bool c)
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                if (c)
                {
                    goto done;
                }

                H.Free(p);
            done:
                return;
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task GotoToTheFreeIsClean() => VerifyAsync(InClass("""
            void M(bool c)
            {
                byte* p = (byte*)H.Alloc(16);
                if (c)
                {
                    goto cleanup;
                }

                p[0] = 1;
            cleanup:
                H.Free(p);
            }
        """));

    [Fact]
    public Task SwitchWithAFreeInEveryCaseIsClean() => VerifyAsync(InClass("""
            void M(int k)
            {
                byte* p = (byte*)H.Alloc(16);
                switch (k)
                {
                    case 0:
                        H.Free(p);
                        break;
                    default:
                        H.Free(p);
                        break;
                }
            }
        """));

    [Fact]
    public Task SwitchCaseThatFreesTwiceIsReported() => VerifyAsync(InClass("""
            void M(int k)
            {
                byte* p = (byte*)H.Alloc(16);
                switch (k)
                {
                    case 0:
                        {|#1:H.Free(p)|};
                        goto default;
                    default:
                        {|#0:H.Free(p)|};
                        break;
                }
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task LoopLocalThatIsNeverFreedLeaks() => VerifyAsync(InClass("""
            void M(int n)
            {
                for (int i = 0; i < n; i++)
                {
                    byte* p = (byte*){|#0:H.Alloc(16)|};
                    p[0] = (byte)i;
                }
            }
        """), Diagnostic("HEAP003", 0));
}
