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

                // Each comparison made twice, so each is remembered: with the flag, 16 paths.
                Log(a > 1 ? 1 : 0);
                Log(b > 2 ? 2 : 0);
                Log(c > 3 ? 3 : 0);
                p[0] = 1;
                if (!small)
                {
                    H.Free(p);
                }
            }
        """));

    // --- ownership returned inside a value ---

    private const string Owner = """
            struct Owner
            {
                public byte* _array;
                public int _length;
            }

            static Owner Wrap(byte* p, int n)
            {
                Owner o = default;
                o._array = p;
                o._length = n;
                return o;
            }
        """;

    [Fact]
    public Task BlockReturnedInATupleIsHandedOver() => VerifyAsync(InClass("""
            static (int, IntPtr) M(int n)
            {
                byte* block = (byte*)NativeMemory.Alloc((nuint)n);
                return (n, (IntPtr)block);
            }
        """));

    [Fact]
    public Task BlockInATupleThatIsNotReturnedLeaks() => VerifyAsync(InClass("""
            static int M(int n)
            {
                byte* block = (byte*){|#0:NativeMemory.Alloc((nuint)n)|};
                var t = (n, (IntPtr)block);
                {|#1:return t.Item1;|}
            }
        """), Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task BlockReturnedInAStructFieldIsHandedOver() => VerifyAsync(InClass(Owner + """
            static Owner M(int n)
            {
                Owner m = default;
                m._array = (byte*)H.Alloc((nuint)n);
                m._length = n;
                return m;
            }
        """));

    [Fact]
    public Task BlockInAStructFieldThatIsNotReturnedLeaks() => VerifyAsync(InClass(Owner + """
            static int M(int n)
            {
                Owner m = default;
                m._array = (byte*){|#0:H.Alloc((nuint)n)|};
                m._length = n;
                {|#1:return m._length;|}
            }
        """), Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task BlockReturnedAsASpanIsHandedOver() => VerifyAsync(InClass("""
            static Span<byte> M(int n)
            {
                byte* block = (byte*)H.Alloc((nuint)n);
                return new Span<byte>(block, n);
            }
        """));

    [Fact]
    public Task BlockInASpanThatIsNotReturnedLeaks() => VerifyAsync(InClass("""
            static void M(int n)
            {
                byte* block = (byte*){|#0:H.Alloc((nuint)n)|};
                var span = new Span<byte>(block, n);
                span.Clear();
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task BlockReturnedThroughAWrapperIsHandedOver() => VerifyAsync(InClass(Owner + """
            static Owner M(int n)
            {
                byte* block = (byte*)H.Alloc((nuint)n);
                return Wrap(block, n);
            }
        """));

    [Fact]
    public Task BlockWrappedButNotReturnedLeaks() => VerifyAsync(InClass(Owner + """
            static int M(int n)
            {
                byte* block = (byte*){|#0:H.Alloc((nuint)n)|};
                var o = Wrap(block, n);
                {|#1:return o._length;|}
            }
        """), Diagnostic("HEAP003", 0, 1));

    // --- a callee that keeps the pointer only on success ---

    [Fact]
    public Task CalleeThatStoresAnIntPtrOnSuccessKeepsIt() => VerifyAsync(InClass("""
            static nint s_slot;
            static bool TryPublish(nint block)
            {
                if (s_slot != 0)
                {
                    return false;
                }

                s_slot = block;
                return true;
            }

            void M()
            {
                nint block = (nint)NativeMemory.Alloc(16);
                if (!TryPublish(block))
                {
                    NativeMemory.Free((void*)block);
                }
            }
        """));

    [Fact]
    public Task CalleeThatPublishesWithCompareExchangeKeepsIt() => VerifyAsync(InClass("""
            static nint s_slot;
            static bool TryPublish(nint block) => System.Threading.Interlocked.CompareExchange(ref s_slot, block, 0) == 0;

            void M()
            {
                nint block = (nint)NativeMemory.Alloc(16);
                if (!TryPublish(block))
                {
                    NativeMemory.Free((void*)block);
                }
            }
        """));

    [Fact]
    public Task CalleeThatOnlyComparesAnIntPtrDoesNotKeepIt() => VerifyAsync(InClass("""
            static nint s_slot;
            static bool IsPublished(nint block) => s_slot == block;

            void M()
            {
                nint block = (nint){|#0:NativeMemory.Alloc(16)|};
                if (!IsPublished(block))
                {
                    NativeMemory.Free((void*)block);
                }
            }
        """), Diagnostic("HEAP003", 0));

    // --- round trips through IntPtr ---

    [Fact]
    public Task ToPointerOfAnHGlobalIsTheSameBlock() => VerifyAsync(InClass("""
            void M(int n)
            {
                byte* p = (byte*)Marshal.AllocHGlobal(n).ToPointer();
                p[0] = 1;
                IntPtr h = new IntPtr(p);
                byte* q = (byte*)h.ToPointer();
                q[1] = 2;
                Marshal.FreeHGlobal((IntPtr)q);
            }
        """));

    [Fact]
    public Task FreeingBothEndsOfARoundTripIsADoubleFree() => VerifyAsync(InClass("""
            void M(int n)
            {
                byte* p = (byte*)Marshal.AllocHGlobal(n).ToPointer();
                IntPtr h = new IntPtr(p);
                nint k = (nint)h.ToPointer();
                {|#1:Marshal.FreeHGlobal(h)|};
                {|#0:Marshal.FreeHGlobal(k)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    // --- ?: assigned to an existing local ---

    [Fact]
    public Task ConditionalAssignedToAnExistingLocalIsTracked() => VerifyAsync(InClass("""
            static void* M(bool zeroed, nuint n)
            {
                void* result;
                result = zeroed ? H.AllocZeroed(n, 1) : H.Alloc(n);
                if (result == null)
                {
                    return null;
                }

                ((byte*)result)[0] = 1;
                return result;
            }
        """));

    [Fact]
    public Task ConditionalAssignedToAnExistingLocalThatIsDroppedLeaks() => VerifyAsync(InClass("""
            static void M(bool zeroed, nuint n)
            {
                void* result;
                result = zeroed ? {|#0:H.AllocZeroed(n, 1)|} : {|#1:H.Alloc(n)|};
                ((byte*)result)[0] = 1;
            }
        """), Diagnostic("HEAP003", 0), Diagnostic("HEAP003", 1));

    // --- heapsmith.unannotated_calls = escape ---

    [Fact]
    public Task EscapeOptionDoesNotHandOverToAHelperThatBorrows() => VerifyAsync(
        InClass("""
            static void Fill(byte* p) => p[0] = 1;
            void M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                Fill(p);
            }
        """),
        "heapsmith.unannotated_calls = escape",
        Diagnostic("HEAP003", 0));

    [Fact]
    public Task EscapeOptionDoesNotHandOverToTheFramework() => VerifyAsync(
        InClass("""
            void M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                NativeMemory.Clear(p, 16);
            }
        """),
        "heapsmith.unannotated_calls = escape",
        Diagnostic("HEAP003", 0));

    [Fact]
    public Task EscapeOptionStillHandsOverToAnUnannotatedExternCall() => VerifyAsync(
        InClass("""
            [DllImport("native")]
            static extern void native_take(byte* p);
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                native_take(p);
            }
        """),
        "heapsmith.unannotated_calls = escape");

    // --- Realloc in a loop ---

    [Fact]
    public Task ReallocInALoopThatReplacesThePointerIsClean() => VerifyAsync(InClass("""
            void M(int n)
            {
                byte* p = (byte*)H.Alloc(16);
                for (int i = 0; i < n; i++)
                {
                    p = (byte*)H.Realloc(p, (nuint)(16 + i));
                    p[i] = 1;
                }

                H.Free(p);
            }
        """));

    [Fact]
    public Task ReallocInAWhileLoopThatReplacesThePointerIsClean() => VerifyAsync(InClass("""
            static bool More() => false;
            void M()
            {
                nuint size = 16;
                byte* p = (byte*)H.Alloc(size);
                while (More())
                {
                    size *= 2;
                    p = (byte*)H.Realloc(p, size);
                }

                H.Free(p);
            }
        """));

    [Fact]
    public Task ReallocInALoopWhoseResultIsDroppedFreesTwice() => VerifyAsync(InClass("""
            void M(int n)
            {
                byte* p = (byte*)H.Alloc(16);
                for (int i = 0; i < n; i++)
                {
                    {|#0:H.Realloc(p, (nuint)(16 + i))|};
                }

                {|#1:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 0), Diagnostic("HEAP003", 0), Diagnostic("HEAP001", 1, 0));

    // --- stack or heap, the heap branch returning its block ---

    [Fact]
    public Task StackOrHeapWhoseHeapBranchReturnsTheBlockIsClean() => VerifyAsync(InClass("""
            const int Limit = 64;
            static void Fill(byte* p, int n) { }
            static byte* M(int n)
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

                Fill(p, n);
                if (n > Limit)
                {
                    return p;
                }

                return null;
            }
        """));

    [Fact]
    public Task StackOrHeapThatReturnsTheStackBlockToo() => VerifyAsync(InClass("""
            const int Limit = 64;
            static void Fill(byte* p, int n) { }
            static byte* M(int n, bool keep)
            {
                byte* p;
                if (n > Limit)
                {
                    p = (byte*){|#0:H.Alloc((nuint)n)|};
                }
                else
                {
                    byte* s = stackalloc byte[Limit];
                    p = s;
                }

                Fill(p, n);
                if (keep)
                {
                    return p;
                }

                {|#1:return null;|}
            }
        """), Diagnostic("HEAP003", 0, 1));
}
