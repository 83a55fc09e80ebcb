// Conditions known at compile time prune dead code; conditions that only look constant
// (a static readonly flag, a method returning true) do not.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class ConstantConditionTests
{
    [Fact]
    public Task IfTrueFreesOnTheOnlyPath() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                if (true)
                {
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task IfTrueFreeThenFreeAgainIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                if (true)
                {
                    {|#1:H.Free(p)|};
                }

                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task DeadBranchOnAConstIsNotReported() => VerifyAsync(InClass("""
            const bool Debug = false;
            void M()
            {
                void* p = H.Alloc(16);
                H.Free(p);
                if (Debug)
                {
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task LiveBranchOnAConstIsReported() => VerifyAsync(InClass("""
            const int Mode = 2;
            void M()
            {
                void* p = H.Alloc(16);
                {|#1:H.Free(p)|};
                if (Mode == 2)
                {
                    {|#0:H.Free(p)|};
                }
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task StaticReadonlyFlagIsNotAConstant() => VerifyAsync(InClass("""
            static readonly bool Flag = true;
            void M()
            {
                void* p = {|#0:H.Alloc(16)|};
                if (Flag)
                {
                    H.Free(p);
                }
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task MethodReturningTrueIsNotAConstant() => VerifyAsync(InClass("""
            static bool AlwaysTrue() => true;
            void M()
            {
                void* p = H.Alloc(16);
                if (AlwaysTrue())
                {
                    {|#1:H.Free(p)|};
                }

                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task WhileTrueWithBreakFreesOnce() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                while (true)
                {
                    H.Free(p);
                    break;
                }
            }
        """));

    [Fact]
    public Task WhileTrueWithBreakThenFreeIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                while (true)
                {
                    {|#1:H.Free(p)|};
                    break;
                }

                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task ForLoopThatRunsOnceFreesOnce() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                for (int i = 0; i < 1; i++)
                {
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task ForLoopThatRunsOnceThenFreeIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                for (int i = 0; i < 1; i++)
                {
                    {|#1:H.Free(p)|};
                }

                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task DoWhileFalseRunsOnce() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                do
                {
                    H.Free(p);
                }
                while (false);
            }
        """));

    [Fact]
    public Task DoWhileFalseThenFreeIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                do
                {
                    {|#1:H.Free(p)|};
                }
                while (false);
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task SwitchOnAConstTakesOneCase() => VerifyAsync(InClass("""
            const int Kind = 1;
            void M()
            {
                void* p = H.Alloc(16);
                switch (Kind)
                {
                    case 1:
                        H.Free(p);
                        break;
                    case 2:
                        break;
                }
            }
        """));

    [Fact]
    public Task SwitchOnAConstReachingADoubleFree() => VerifyAsync(InClass("""
            const int Kind = 2;
            void M()
            {
                void* p = H.Alloc(16);
                {|#1:H.Free(p)|};
                switch (Kind)
                {
                    case 1:
                        break;
                    case 2:
                        {|#0:H.Free(p)|};
                        break;
                }
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task CorrelatedFlagBranchesAreKeptApart() => VerifyAsync(InClass("""
            static bool Decide() => true;
            void M()
            {
                bool owned = Decide();
                void* p = null;
                if (owned)
                {
                    p = H.Alloc(16);
                }

                if (owned)
                {
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task StaticReadonlyFlagWithAFreeOnBothBranchesIsClean() => VerifyAsync(InClass("""
            static readonly bool Flag = true;
            void M()
            {
                void* p = H.Alloc(16);
                if (Flag)
                {
                    H.Free(p);
                }
                else
                {
                    H.Free(p);
                }
            }
        """));
}
