// Where pointers go: aliases through memory, ref locals, struct fields, arrays, fields, out
// parameters, lambdas, integer round trips, spans, reallocation, null checks.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class DataFlowTests
{
    [Fact]
    public Task FreeThroughPointerToPointerThenDirectlyIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                byte** pp = &p;
                {|#1:H.Free(*pp)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task FreeThroughPointerToPointerOnceIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                byte** pp = &p;
                (*pp)[0] = 1;
                H.Free(*pp);
            }
        """));

    [Fact]
    public Task RefLocalAliasesTheVariable() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                ref byte* r = ref p;
                {|#1:H.Free(r)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task RefLocalFreedOnceIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                ref byte* r = ref p;
                r[0] = 1;
                H.Free(r);
            }
        """));

    [Fact]
    public Task StructFieldOfALocalIsTracked() => VerifyAsync(InClass("""
            struct Buffer { public byte* Data; public int Length; }
            void M()
            {
                Buffer b = default;
                b.Data = (byte*)H.Alloc(16);
                {|#1:H.Free(b.Data)|};
                {|#0:H.Free(b.Data)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task StructFieldOfALocalLeaksWhenNotFreed() => VerifyAsync(InClass("""
            struct Buffer { public byte* Data; public int Length; }
            void M()
            {
                Buffer b = default;
                b.Data = (byte*){|#0:H.Alloc(16)|};
                b.Data[0] = 1;
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task StructFieldFreedOnceIsClean() => VerifyAsync(InClass("""
            struct Buffer { public byte* Data; public int Length; }
            void M()
            {
                Buffer b = default;
                b.Data = (byte*)H.Alloc(16);
                b.Data[0] = 1;
                H.Free(b.Data);
            }
        """));

    [Fact]
    public Task ArrayElementIsHandedOverButADoubleFreeIsStillFound() => VerifyAsync(InClass("""
            void M(nint[] slots)
            {
                nint[] local = new nint[2];
                local[0] = (nint)H.Alloc(16);
                {|#1:H.Free((void*)local[0])|};
                {|#0:H.Free((void*)local[0])|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task ArrayElementStoreIsNotALeak() => VerifyAsync(InClass("""
            void M(nint[] slots)
            {
                slots[0] = (nint)H.Alloc(16);
            }
        """));

    [Fact]
    public Task ClassFieldStoreIsNotALeak() => VerifyAsync(InClass("""
            byte* _buffer;
            void M()
            {
                _buffer = (byte*)H.Alloc(16);
            }
        """));

    [Fact]
    public Task ClassFieldStoreThenFreeThenUseIsReported() => VerifyAsync(InClass("""
            byte* _buffer;
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                _buffer = p;
                {|#1:H.Free(p)|};
                {|#0:p[0]|} = 1;
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task StaticFieldStoreIsNotALeak() => VerifyAsync(InClass("""
            static void* s_cache;
            void M()
            {
                s_cache = H.Alloc(16);
            }
        """));

    [Fact]
    public Task OutParameterHandsTheBlockToTheCaller() => VerifyAsync(InClass("""
            static void Make(out byte* result)
            {
                result = (byte*)H.Alloc(16);
            }
        """));

    [Fact]
    public Task ReturnHandsTheBlockToTheCaller() => VerifyAsync(InClass("""
            static byte* Make(bool zero) => zero ? (byte*)H.AllocZeroed(1, 16) : (byte*)H.Alloc(16);
        """));

    [Fact]
    public Task ReturningAFreedPointerIsAUseAfterFree() => VerifyAsync(InClass("""
            static byte* Make()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                return {|#0:p|};
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task LambdaCaptureHandsTheBlockOver() => VerifyAsync(InClass("""
            Action M()
            {
                byte* p = (byte*)H.Alloc(16);
                return () => H.Free(p);
            }
        """));

    [Fact]
    public Task LambdaBodyIsAnalysedToo() => VerifyAsync(InClass("""
            Action M() => () =>
            {
                void* p = H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:H.Free(p)|};
            };
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task LocalFunctionBodyIsAnalysedToo() => VerifyAsync(InClass("""
            void M()
            {
                Local();
                static void Local()
                {
                    void* p = {|#0:H.Alloc(16)|};
                }
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task NintRoundTripKeepsTheBlock() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                nint handle = (nint)p;
                long bits = (long)handle;
                {|#1:H.Free((void*)bits)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task NintRoundTripFreedOnceIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                nint handle = new IntPtr(p);
                H.Free((void*)handle);
            }
        """));

    [Fact]
    public Task SpanOverAFreedBlockIsAUseAfterFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                var span = new Span<byte>({|#0:p|}, 16);
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task SpanOverALiveBlockIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                var span = new Span<byte>(p, 16);
                span.Clear();
                H.Free(p);
            }
        """));

    [Fact]
    public Task MemoryCopyFromAFreedBlockIsAUseAfterFree() => VerifyAsync(InClass("""
            void M(byte* destination)
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                Buffer.MemoryCopy({|#0:p|}, destination, 16, 16);
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task MemoryCopyBeforeFreeIsClean() => VerifyAsync(InClass("""
            void M(byte* destination)
            {
                byte* p = (byte*)H.Alloc(16);
                Buffer.MemoryCopy(p, destination, 16, 16);
                H.Free(p);
            }
        """));

    [Fact]
    public Task ReallocReplacesThePointer() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                p = (byte*)H.Realloc(p, 64);
                p[63] = 1;
                H.Free(p);
            }
        """));

    [Fact]
    public Task FreeOfThePointerReallocMovedIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                byte* q = (byte*){|#1:H.Realloc(p, 64)|};
                {|#0:H.Free(p)|};
                H.Free(q);
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task ReallocOfNullAllocates() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*){|#0:H.Realloc(null, 64)|};
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task NullAfterFreeMakesTheSecondFreeHarmless() => VerifyAsync(InClass("""
            void M(bool c)
            {
                byte* p = (byte*)H.Alloc(16);
                if (c)
                {
                    H.Free(p);
                    p = null;
                }

                H.Free(p);
            }
        """));

    [Fact]
    public Task NullCheckedFreeAfterNullingIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                H.Free(p);
                p = null;
                if (p != null)
                {
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task FailedTryAllocNeedsNoFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.TryAlloc(16);
                if (p == null)
                {
                    return;
                }

                p[0] = 1;
                H.Free(p);
            }
        """));

    [Fact]
    public Task SuccessfulTryAllocStillNeedsAFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*){|#0:H.TryAlloc(16)|};
                if (p == null)
                {
                    return;
                }

                p[0] = 1;
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task ReassignmentBeforeTheSecondFreeIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                H.Free(p);
                p = (byte*)H.Alloc(32);
                H.Free(p);
            }
        """));

    [Fact]
    public Task ReassignmentOfALiveBlockLeaksIt() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                {|#1:p = (byte*)H.Alloc(32)|};
                H.Free(p);
            }
        """), Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task StackOrHeapFreedOnlyWhenFromTheHeapIsClean() => VerifyAsync(InClass("""
            void M(int n)
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

                p[0] = 1;
                if (!small)
                {
                    H.Free(p);
                }
            }
        """));

    [Fact]
    public Task StackOrHeapFreedAlwaysIsReported() => VerifyAsync(InClass("""
            void M(int n)
            {
                bool small = n <= 256;
                byte* p;
                if (small)
                {
                    byte* s = {|#1:stackalloc byte[256]|};
                    p = s;
                }
                else
                {
                    p = (byte*)H.Alloc((nuint)n);
                }

                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task InteriorPointerFreeIsReported() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*){|#1:H.Alloc(16)|};
                byte* q = p + 4;
                {|#0:H.Free(q)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task InteriorPointerRestoredToItsStartIsClean() => VerifyAsync(InClass("""
            void M()
            {
                int* p = (int*)H.Alloc(16);
                p++;
                *p = 1;
                p += 2;
                p -= 3;
                H.Free(p);
            }
        """));

    [Fact]
    public Task AddressOfAnElementIsInterior() => VerifyAsync(InClass("""
            void M()
            {
                int* p = (int*){|#1:H.Alloc(16)|};
                {|#0:H.Free(&p[2])|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task OwnsAfterFreeIsNotAUse() => VerifyAsync(InClass("""
            bool M()
            {
                void* p = H.Alloc(16);
                H.Free(p);
                return H.Owns(p);
            }
        """));

    [Fact]
    public Task UsableSizeAfterFreeIsAUse() => VerifyAsync(InClass("""
            nuint M()
            {
                void* p = H.Alloc(16);
                {|#1:H.Free(p)|};
                return H.UsableSize({|#0:p|});
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task ComparingAFreedPointerIsNotAUse() => VerifyAsync(InClass("""
            bool M(void* other)
            {
                void* p = H.Alloc(16);
                H.Free(p);
                return p == other;
            }
        """));

    [Fact]
    public Task FreeOfTheAddressOfALocalIsReported() => VerifyAsync(InClass("""
            void M()
            {
                int x = 0;
                {|#0:H.Free({|#1:&x|})|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task FreeOfAFixedPointerIsReported() => VerifyAsync(InClass("""
            void M(byte[] array)
            {
                fixed (byte* {|#1:p = array|})
                {
                    {|#0:H.Free(p)|};
                }
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task OutParameterGivenAFreedBlockIsReported() => VerifyAsync(InClass("""
            static void Make(out byte* result)
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:result = p|};
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task StaticFieldGivenAFreedBlockIsReported() => VerifyAsync(InClass("""
            static void* s_cache;
            void M()
            {
                void* p = H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:s_cache = p|};
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task OwnsBeforeARealUseAfterFreeDoesNotHideIt() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                if (H.Owns(p))
                {
                    {|#0:p[0]|} = 1;
                }
            }
        """), Diagnostic("HEAP004", 0, 1));
}
