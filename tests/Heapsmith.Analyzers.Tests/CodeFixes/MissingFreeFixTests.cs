// HEAP003 code fix: try/finally around the block's uses, a free after an unused allocation, a
// free before the leaking exit when a finally would be wrong, and Fix All over nested and
// project-wide leaks.
using System.Threading.Tasks;
using Heapsmith.CodeFixes;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;
using static Heapsmith.Analyzers.Tests.CodeFixes.CodeFixHarness;

namespace Heapsmith.Analyzers.Tests.CodeFixes;

public sealed class MissingFreeFixTests
{
    private const string Key = MissingFreeCodeFixProvider.EquivalenceKey;

    [Fact]
    public Task UsesAreWrappedInTryFinally() => VerifyFixAsync<MissingFreeCodeFixProvider>(InClass("""
            void M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                p[0] = 1;
                Console.WriteLine(p[0]);
            }
        """), InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                try
                {
                    p[0] = 1;
                    Console.WriteLine(p[0]);
                }
                finally
                {
                    H.Free(p);
                }
            }
        """), Key, Diagnostic("HEAP003", 0));

    // The return value is read before the finally runs, so reading through the block there is fine.
    [Fact]
    public Task ReturnThatReadsThroughTheBlockGoesInsideTheTry() => VerifyFixAsync<MissingFreeCodeFixProvider>(InClass("""
            int M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                p[0] = 7;
                {|#1:return p[0] + 1;|}
            }
        """), InClass("""
            int M()
            {
                byte* p = (byte*)H.Alloc(16);
                try
                {
                    p[0] = 7;
                    return p[0] + 1;
                }
                finally
                {
                    H.Free(p);
                }
            }
        """), Key, Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task UnusedAllocationIsFreedRightAfter() => VerifyFixAsync<MissingFreeCodeFixProvider>(InClass("""
            void M()
            {
                void* p = {|#0:G.Alloc(16)|};
            }
        """), InClass("""
            void M()
            {
                void* p = G.Alloc(16);
                G.Free(p);
            }
        """), Key, Diagnostic("HEAP003", 0));

    [Fact]
    public Task NativeMemoryAndHGlobalBlocksGetTheirOwnDeallocators() => VerifyFixAsync<MissingFreeCodeFixProvider>(InClass("""
            void M()
            {
                void* a = {|#0:NativeMemory.AlignedAlloc(64, 64)|};
                byte* b = (byte*){|#1:Marshal.AllocHGlobal(16)|};
                b[0] = *(byte*)a;
            }
        """), InClass("""
            void M()
            {
                void* a = NativeMemory.AlignedAlloc(64, 64);
                try
                {
                    byte* b = (byte*)Marshal.AllocHGlobal(16);
                    try
                    {
                        b[0] = *(byte*)a;
                    }
                    finally
                    {
                        Marshal.FreeHGlobal((nint)b);
                    }
                }
                finally
                {
                    NativeMemory.AlignedFree(a);
                }
            }
        """), Key, Diagnostic("HEAP003", 0), Diagnostic("HEAP003", 1));

    [Fact]
    public Task EarlyReturnGetsTheFreeWhenTheBlockIsFreedLater() => VerifyFixAsync<MissingFreeCodeFixProvider>(InClass("""
            int M(bool skip)
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                if (skip)
                    {|#1:return 0;|}
                p[0] = 1;
                H.Free(p);
                return 1;
            }
        """), InClass("""
            int M(bool skip)
            {
                byte* p = (byte*)H.Alloc(16);
                if (skip)
                {
                    H.Free(p);
                    return 0;
                }
                p[0] = 1;
                H.Free(p);
                return 1;
            }
        """), Key, Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task ReturnedBlockIsFreedOnlyOnTheLeakingPath() => VerifyFixAsync<MissingFreeCodeFixProvider>(InClass("""
            void* M(bool fail)
            {
                void* p = {|#0:H.Alloc(16)|};
                if (fail)
                {
                    {|#1:return null;|}
                }

                return p;
            }
        """), InClass("""
            void* M(bool fail)
            {
                void* p = H.Alloc(16);
                if (fail)
                {
                    H.Free(p);
                    return null;
                }

                return p;
            }
        """), Key, Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task BlockHandedToAHelperThatFreesItIsFreedOnlyOnTheLeakingPath() => VerifyFixAsync<MissingFreeCodeFixProvider>(InClass("""
            static void Release(void* q) => H.Free(q);

            void M(bool skip)
            {
                void* p = {|#0:H.Alloc(16)|};
                if (skip)
                    {|#1:return;|}
                Release(p);
            }
        """), InClass("""
            static void Release(void* q) => H.Free(q);

            void M(bool skip)
            {
                void* p = H.Alloc(16);
                if (skip)
                {
                    H.Free(p);
                    return;
                }
                Release(p);
            }
        """), Key, Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task ThrowingPathGetsTheFreeViaFinally() => VerifyFixAsync<MissingFreeCodeFixProvider>(InClass("""
            void M(int n)
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                if (n < 0)
                    throw {|#1:new ArgumentOutOfRangeException(nameof(n))|};
                p[0] = (byte)n;
                Console.WriteLine(p[0]);
            }
        """), InClass("""
            void M(int n)
            {
                byte* p = (byte*)H.Alloc(16);
                try
                {
                    if (n < 0)
                        throw new ArgumentOutOfRangeException(nameof(n));
                    p[0] = (byte)n;
                    Console.WriteLine(p[0]);
                }
                finally
                {
                    H.Free(p);
                }
            }
        """), Key, Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task AliasThatIsReturnedGetsTheFreeBeforeTheLeakingExit() => VerifyFixAsync<MissingFreeCodeFixProvider>(InClass("""
            byte* M(bool fail)
            {
                void* p = {|#0:H.Alloc(16)|};
                byte* q = (byte*)p + 1;
                if (fail)
                    {|#1:return null;|}
                return q - 1;
            }
        """), InClass("""
            byte* M(bool fail)
            {
                void* p = H.Alloc(16);
                byte* q = (byte*)p + 1;
                if (fail)
                {
                    H.Free(p);
                    return null;
                }
                return q - 1;
            }
        """), Key, Diagnostic("HEAP003", 0, 1));

    // A free after the inner allocation would come before the use that follows the if.
    [Fact]
    public Task HolderDeclaredInAnOuterBlockIsNotFreedInTheInnerOne() => VerifyNoFixAsync<MissingFreeCodeFixProvider>(InClass("""
            static extern void Look(void* p);

            void M(bool big)
            {
                void* p = null;
                if (big)
                {
                    p = {|#0:H.Alloc(4096)|};
                }

                Look(p);
            }
        """), Key, Diagnostic("HEAP003", 0));

    [Fact]
    public Task FixAllCoversEveryDocumentOfTheProject() => VerifyFixAsync<MissingFreeCodeFixProvider>(
        new[]
        {
            InClass("""
                void M()
                {
                    void* p = {|#0:H.Alloc(16)|};
                    *(byte*)p = 1;
                }
            """),
            "unsafe class D\n{\n    void N()\n    {\n        void* q = {|#1:G.Alloc(8)|};\n    }\n}\n",
        },
        new[]
        {
            InClass("""
                void M()
                {
                    void* p = H.Alloc(16);
                    try
                    {
                        *(byte*)p = 1;
                    }
                    finally
                    {
                        H.Free(p);
                    }
                }
            """),
            "unsafe class D\n{\n    void N()\n    {\n        void* q = G.Alloc(8);\n        G.Free(q);\n    }\n}\n",
        },
        Key, Diagnostic("HEAP003", 0), Diagnostic("HEAP003", 1));
}
