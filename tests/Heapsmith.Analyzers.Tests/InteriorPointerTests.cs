// Frees of pointers that are not the start of their block (HEAP002, "offset by N bytes" as in
// Clang's checker): constant offsets, offsets counted in an integer variable (p + i, which may be
// non-zero), and the cases that must stay clean: offset 0, an offset undone (q = p + n; q -= n),
// and offsets the analysis cannot tell from zero.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class InteriorPointerTests
{
    private const string Advice = "free the pointer the allocator returned";

    [Fact]
    public Task FreeOfPointerPlusVariableIsReported() => VerifyAsync(InClass("""
            void M(int i)
            {
                byte* p = (byte*){|#1:H.Alloc(16)|};
                {|#0:H.Free(p + i)|};
            }
        """), Diagnostic("HEAP002", 0, 1).WithArguments(
            "p + i", "an interior pointer, offset by 'i' bytes from the start of a block of heap 'H'", "H.Free", Advice));

    [Fact]
    public Task FreeOfCastPointerPlusConstantNamesTheOffset() => VerifyAsync(InClass("""
            void M()
            {
                void* p = {|#1:H.Alloc(16)|};
                {|#0:H.Free((byte*)p + 8)|};
            }
        """), Diagnostic("HEAP002", 0, 1).WithArguments(
            "(byte*)p + 8", "an interior pointer, offset by 8 bytes from the start of a block of heap 'H'", "H.Free", Advice));

    [Fact]
    public Task FreeOfAddressOfSecondElementIsReported() => VerifyAsync(InClass("""
            void M()
            {
                int* p = (int*){|#1:H.Alloc(16)|};
                {|#0:H.Free(&p[1])|};
            }
        """), Diagnostic("HEAP002", 0, 1).WithArguments(
            "&p[1]", "an interior pointer, offset by 4 bytes from the start of a block of heap 'H'", "H.Free", Advice));

    [Fact]
    public Task FreeOfAddressOfVariableElementScalesTheTerm() => VerifyAsync(InClass("""
            void M(long i)
            {
                long* p = (long*){|#1:NativeMemory.Alloc(64)|};
                long* q = &p[i] + 1;
                {|#0:NativeMemory.Free(q)|};
            }
        """), Diagnostic("HEAP002", 0, 1).WithArguments(
            "q", "an interior pointer, offset by 8 × 'i' + 8 bytes from the start of a block of NativeMemory", "NativeMemory.Free", Advice));

    [Fact]
    public Task FreeOfPointerMinusVariableIsReported() => VerifyAsync(InClass("""
            void M(int n)
            {
                int* p = (int*){|#1:H.Alloc(64)|};
                int* q = p;
                q -= n;
                {|#0:H.Free(q)|};
            }
        """), Diagnostic("HEAP002", 0, 1).WithArguments(
            "q", "an interior pointer, offset by -4 × 'n' bytes from the start of a block of heap 'H'", "H.Free", Advice));

    [Fact]
    public Task InteriorFreeIsReportedOnceNotAgainAsALeakOrDoubleFree() => VerifyAsync(InClass("""
            void M(int i)
            {
                byte* p = (byte*){|#1:H.Alloc(16)|};
                {|#0:H.Free(p + i)|};
                H.Free(p);
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task FreeOfPointerPlusZeroIsClean() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                H.Free(p + 0);
            }
        """));

    [Fact]
    public Task OffsetUndoneByTheSameVariableIsClean() => VerifyAsync(InClass("""
            void M(int n)
            {
                int* p = (int*)H.Alloc(64);
                int* q = p + n;
                *q = 1;
                q -= n;
                H.Free(q);
            }
        """));

    [Fact]
    public Task OffsetUndoneBySubtractionExpressionIsClean() => VerifyAsync(InClass("""
            void M(long n)
            {
                byte* p = (byte*)H.Alloc(64);
                byte* q = p + n;
                q = q + 2;
                q = q - n - 2;
                H.Free(q);
            }
        """));

    [Fact]
    public Task VariableKnownToBeZeroIsClean() => VerifyAsync(InClass("""
            void M()
            {
                int i = 0;
                byte* p = (byte*)H.Alloc(16);
                H.Free(p + i);
            }
        """));

    [Fact]
    public Task OffsetWhoseVariableChangedIsNotGuessed() => VerifyAsync(InClass("""
            void M(int n)
            {
                byte* p = (byte*)H.Alloc(64);
                byte* q = p + n;
                n = 5;
                q -= 5;
                H.Free(q);
            }
        """));

    [Fact]
    public Task OffsetWhoseVariableIsIncrementedIsNotGuessed() => VerifyAsync(InClass("""
            void M(int n)
            {
                byte* p = (byte*)H.Alloc(64);
                byte* q = p + n;
                n++;
                q -= n - 1;
                H.Free(q);
            }
        """));

    [Fact]
    public Task FieldAddressMayBeTheStartAndIsNotReported() => VerifyAsync(InClass("""
            struct Node { public long Header; public long Value; }

            void M()
            {
                Node* n = (Node*)H.Alloc(16);
                H.Free(&n->Header);
            }
        """));
}
