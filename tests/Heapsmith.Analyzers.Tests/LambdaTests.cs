// Lambdas and local functions: a body runs where it is called (a local function), invoked (a
// delegate local holding one lambda) or passed to a call; there, a captured pointer that may be
// freed already and that the body uses is HEAP004, and one it frees is HEAP001. Inside a body,
// captured pointers are followed from entry. Creating a lambda is not a use (C# captures the
// variable, not its value), and a lambda stored or returned runs at a time not known here.
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class LambdaTests
{
    [Fact]
    public Task LambdaInvokedAfterTheFreeUsesFreedMemory() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Action a = () => {|#2:*p|} = 1;
                {|#1:H.Free(p)|};
                {|#0:a()|};
            }
        """), At("HEAP004", 0, 1, 2).WithArguments("p", "'H.Free(p)' at line 11"));

    [Fact]
    public Task LambdaCreatedAfterTheFreeAndInvokedIsReported() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                Action a = () => {|#2:*p|} = 1;
                {|#0:a.Invoke()|};
            }
        """), At("HEAP004", 0, 1, 2));

    [Fact]
    public Task LocalFunctionCalledAfterTheFreeUsesFreedMemory() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:Touch()|};

                void Touch() => {|#2:p[0]|} = 1;
            }
        """), At("HEAP004", 0, 1, 2));

    [Fact]
    public Task LocalFunctionThatFreesItsCaptureCalledTwiceIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:Release()|};
                {|#0:Release()|};

                void Release() => {|#2:H.Free(p)|};
            }
        """), At("HEAP001", 0, 1, 2).WithArguments("p", "'Release()' at line 10", "heap 'H'"));

    [Fact]
    public Task FreeAfterALocalFunctionFreedTheCaptureIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:Release()|};
                {|#0:H.Free(p)|};

                void Release() => H.Free(p);
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task UseAfterALocalFunctionFreedTheCaptureIsReported() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:Release()|};
                {|#0:p[0]|} = 1;

                void Release() { H.Free(p); }
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task LocalFunctionFreeingItsParameterTwiceIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:Release(p)|};
                {|#0:Release(p)|};

                static void Release(byte* x) => H.Free(x);
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task LambdaPassedToACallAfterTheFreeIsReported() => VerifyAsync(InClass("""
            void M(int[] values)
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                Array.ForEach(values, {|#0:v => {|#2:p[0]|} = (byte)v|});
            }
        """), At("HEAP004", 0, 1, 2));

    [Fact]
    public Task UseAfterFreeInsideALambdaBodyIsReported() => VerifyAsync(InClass("""
            Action M(byte* p) => () =>
            {
                {|#1:H.Free(p)|};
                {|#0:*p|} = 1;
            };
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task DoubleFreeOfACaptureInsideALocalFunctionIsReported() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Twice();

                void Twice()
                {
                    {|#1:H.Free(p)|};
                    {|#0:H.Free(p)|};
                }
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task LambdaCreatedAfterTheFreeButNeverRunIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                H.Free(p);
                Action a = () => *p = 1;
            }
        """));

    [Fact]
    public Task LambdaInvokedBeforeTheFreeIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Action a = () => *p = 1;
                a();
                H.Free(p);
            }
        """));

    [Fact]
    public Task CapturedVariableReassignedBeforeTheLambdaRunsIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Action a = () => *p = 1;
                H.Free(p);
                p = (byte*)H.Alloc(32);
                a();
                H.Free(p);
            }
        """));

    [Fact]
    public Task LocalFunctionThatFreesCalledOnceIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                p[0] = 1;
                Release();

                void Release() => H.Free(p);
            }
        """));

    [Fact]
    public Task LocalFunctionThatFreesAndNullsCalledTwiceIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Release();
                Release();

                void Release()
                {
                    H.Free(p);
                    p = null;
                }
            }
        """));

    [Fact]
    public Task LambdaPassedToACallBeforeTheFreeIsClean() => VerifyAsync(InClass("""
            void M(int[] values)
            {
                byte* p = (byte*)H.Alloc(16);
                Array.ForEach(values, v => p[0] = (byte)v);
                H.Free(p);
            }
        """));

    [Fact]
    public Task LambdaStoredAfterTheFreeIsNotFollowed() => VerifyAsync(InClass("""
            Action _f;

            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                H.Free(p);
                _f = () => *p = 1;
            }
        """));

    [Fact]
    public Task LocalFunctionAllocatingIntoTheCallersVariableIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = null;
                Make();
                p[0] = 1;
                H.Free(p);

                void Make() => p = (byte*)H.Alloc(8);
            }
        """));

    [Fact]
    public Task BlocksOfTheLambdaItselfAreCheckedAsUsual() => VerifyAsync(InClass("""
            Action M() => () =>
            {
                byte* q = (byte*){|#0:H.Alloc(4)|};
                q[0] = 1;
            };
        """), Diagnostic("HEAP003", 0));

    private static DiagnosticResult At(string id, int location, int free, int use) =>
        new DiagnosticResult(id, DiagnosticSeverity.Warning).WithLocation(location).WithLocation(free).WithLocation(use);

    [Fact]
    public Task LambdaInvokedWithNullConditionalAfterTheFreeUsesFreedMemory() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Action? a = () => {|#2:*p|} = 1;
                {|#1:H.Free(p)|};
                {|#0:a?.Invoke()|};
            }
        """), At("HEAP004", 0, 1, 2).WithArguments("p", "'H.Free(p)' at line 11"));

    [Fact]
    public Task LambdaThatFreesInvokedWithNullConditionalTwiceIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Action? release = () => {|#2:H.Free(p)|};
                {|#1:release?.Invoke()|};
                {|#0:release?.Invoke()|};
            }
        """), At("HEAP001", 0, 1, 2));

    [Fact]
    public Task LambdaInvokedWithNullConditionalBeforeTheFreeIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Action? a = () => *p = 1;
                a?.Invoke();
                H.Free(p);
            }
            void N()
            {
                byte* p = (byte*)H.Alloc(16);
                Action? release = () => H.Free(p);
                release?.Invoke();
            }
        """));

    [Fact]
    public Task BlockALocalFunctionCapturesButDoesNotFreeLeaks() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                Fill();
                Fill();

                void Fill() => p[0] = 1;
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task BlockALocalFunctionCapturesAndFreesDoesNotLeak() => VerifyAsync(InClass("""
            void M(bool early)
            {
                byte* p = (byte*)H.Alloc(16);
                if (early)
                {
                    Release();
                    return;
                }

                p[0] = 1;
                Release();

                void Release() => H.Free(p);
            }
        """));

    [Fact]
    public Task BlockALocalFunctionFreesOnOnePathOnlyLeaksOnTheOther() => VerifyAsync(InClass("""
            void M(bool early)
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                if (early)
                {
                    Release();
                    return;
                }

                p[0] = 1;

                void Release() => H.Free(p);
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task BlockCapturedByALocalFunctionUsedAsADelegateIsHandedOver() => VerifyAsync(InClass("""
            static void Later(Action a) { }
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Later(Release);
                Fill();

                void Fill() => p[0] = 1;
                void Release() => H.Free(p);
            }
            void N()
            {
                byte* p = (byte*)H.Alloc(16);
                Outer();

                void Outer() => Release();
                void Release() => H.Free(p);
            }
            void O()
            {
                byte* p = (byte*)H.Alloc(16);
                MaybeRelease(true);

                void MaybeRelease(bool now) { if (now) H.Free(p); }
            }
        """));

    [Fact]
    public Task BlockOfALocalFunctionCapturedByANestedOneIsFollowed() => VerifyAsync(InClass("""
            void M()
            {
                Leaky();
                Tidy();

                void Leaky()
                {
                    byte* p = (byte*){|#0:H.Alloc(16)|};
                    Fill();

                    void Fill() => p[0] = 1;
                }

                void Tidy()
                {
                    byte* q = (byte*)H.Alloc(16);
                    Release();

                    void Release() => H.Free(q);
                }
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task FreeAfterALocalFunctionThatFreesItsCaptureSometimesMayFreeTwice() => VerifyAsync(InClass("""
            void M(bool now)
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:MaybeRelease(now)|};
                {|#0:H.Free(p)|};

                void MaybeRelease(bool now) { if (now) H.Free(p); }
            }
        """), Diagnostic("HEAP001", 0, 1));
}
