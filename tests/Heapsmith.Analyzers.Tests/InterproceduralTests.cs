// Calls: ownership annotations, summaries inferred for same-compilation helpers (three deep),
// interface and virtual calls (annotations only), delegates, and the .editorconfig option.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class InterproceduralTests
{
    private const string Annotated = """
            [return: OwnershipReturns]
            static extern byte* Rent(int size);
            static extern void Consume([OwnershipTakes] byte* p);
            static extern void Look(byte* p);
        """;

    [Fact]
    public Task OwnershipReturnsIsAnAllocation() => VerifyAsync(InClass(Annotated + """
            void M()
            {
                byte* p = {|#0:Rent(16)|};
                Look(p);
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task OwnershipTakesHandsTheBlockOver() => VerifyAsync(InClass(Annotated + """
            void M()
            {
                byte* p = Rent(16);
                Consume(p);
            }
        """));

    [Fact]
    public Task FreeAfterOwnershipTakesIsADoubleFree() => VerifyAsync(InClass(Annotated + """
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:Consume(p)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task UnannotatedCallBorrows() => VerifyAsync(InClass(Annotated + """
            void M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                Look(p);
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task EscapeOptionMakesUnannotatedCallsTakeTheBlock() => VerifyAsync(
        InClass(Annotated + """
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                Look(p);
            }
        """),
        "heapsmith.unannotated_calls = escape");

    [Fact]
    public Task HelperThatFreesItsParameterTakesIt() => VerifyAsync(InClass("""
            static void Release(byte* p) => H.Free(p);
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:Release(p)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task HelperChainThreeDeepIsFollowed() => VerifyAsync(InClass("""
            static byte* Create3() => (byte*)H.Alloc(16);
            static byte* Create2() => Create3();
            static byte* Create() => Create2();
            static void Destroy3(byte* p) => H.Free(p);
            static void Destroy2(byte* p) => Destroy3(p);
            static void Destroy(byte* p) => Destroy2(p);
            void Clean()
            {
                byte* p = Create();
                Destroy(p);
            }
            void Leak()
            {
                byte* p = {|#0:Create()|};
            }
            void Twice()
            {
                byte* p = Create();
                {|#2:Destroy(p)|};
                {|#1:Destroy(p)|};
            }
        """), Diagnostic("HEAP003", 0), Diagnostic("HEAP001", 1, 2));

    [Fact]
    public Task HelperReturnsTheHeapItAllocatesFrom() => VerifyAsync(InClass("""
            static byte* Create() => (byte*)H.Alloc(16);
            void M()
            {
                byte* p = {|#1:Create()|};
                {|#0:G.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task RecursiveHelpersDoNotHang() => VerifyAsync(InClass("""
            static void A(byte* p, int n) { if (n > 0) B(p, n - 1); }
            static void B(byte* p, int n) { if (n > 0) A(p, n - 1); }
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                A(p, 3);
                H.Free(p);
            }
        """));

    [Fact]
    public Task InterfaceCallUsesAnnotationsOnly() => VerifyAsync(InClass("""
            interface ISink { void Put([OwnershipTakes] byte* p); void Peek(byte* p); }
            void M(ISink sink)
            {
                byte* p = (byte*)H.Alloc(16);
                sink.Peek(p);
                sink.Put(p);
            }
            void N(ISink sink)
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                sink.Peek(p);
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task VirtualCallIsNotSummarised() => VerifyAsync(InClass("""
            class Base { public virtual void Release(byte* p) => H.Free(p); }
            void M(Base b)
            {
                byte* p = (byte*)H.Alloc(16);
                b.Release(p);
                H.Free(p);
            }
        """));

    [Fact]
    public Task DelegateCallBorrows() => VerifyAsync(InClass("""
            delegate void Visitor(byte* p);
            void M(Visitor visit)
            {
                byte* p = (byte*)H.Alloc(16);
                visit(p);
                {|#1:H.Free(p)|};
                visit({|#0:p|});
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task ConstructorStoringThePointerTakesIt() => VerifyAsync(InClass("""
            sealed class Owner
            {
                private readonly byte* _p;
                public Owner(byte* p) => _p = p;
            }
            Owner M() => new Owner((byte*)H.Alloc(16));
        """));

    [Fact]
    public Task ObjectInitializerStoringThePointerHandsItOver() => VerifyAsync(InClass("""
            sealed class Holder { public byte* Data; public int Length; }
            Holder M() => new Holder { Data = (byte*)H.Alloc(16), Length = 16 };
        """));

    [Fact]
    public Task ConditionalAndCoalescingReturnsHandTheBlockOver() => VerifyAsync(InClass("""
            static byte* Pick(bool zero, nuint n) => zero ? (byte*)H.AllocZeroed(1, n) : (byte*)H.Alloc(n);
            static nint Either(nint cached) => cached != 0 ? cached : (nint)H.Alloc(16);
        """));

    [Fact]
    public Task ConditionalExpressionThatDropsABlockLeaks() => VerifyAsync(InClass("""
            static nuint Size(bool big) => H.UsableSize(big ? {|#0:H.Alloc(64)|} : null);
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task HelperThatLinksThePointerIntoAListKeepsItUsable() => VerifyAsync(InClass("""
            struct Node { public Node* Next; public int Used; }
            struct Queue { public Node* Head; }
            static void PushBack(Queue* queue, Node* node) { node->Next = queue->Head; queue->Head = node; }
            void M(Queue* queue)
            {
                Node* node = (Node*)H.Alloc(16);
                PushBack(queue, node);
                node->Used = 1;
            }
        """));

    [Fact]
    public Task HelperThatFreesOnlySometimesKeepsTheBlockWithoutAUseAfterFree() => VerifyAsync(InClass("""
            static void MaybeRelease(byte* p, bool done) { if (done) H.Free(p); }
            void M(bool done)
            {
                byte* p = (byte*)H.Alloc(16);
                MaybeRelease(p, done);
            }
        """));

    [Fact]
    public Task HelperThatFreesOnlySometimesAfterAFreeMayFreeTwice() => VerifyAsync(InClass("""
            static void MaybeRelease(byte* p, bool done) { if (done) H.Free(p); }
            void M(bool done)
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:MaybeRelease(p, done)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task HelperThatNeverFreesOrKeepsIsNotADoubleFree() => VerifyAsync(InClass("""
            static int Peek(byte* p, bool done) => done ? 0 : 1;
            void M(bool done)
            {
                byte* p = (byte*)H.Alloc(16);
                Peek(p, done);
                H.Free(p);
            }
        """));

    [Fact]
    public Task FreeAfterAHelperThatFreesOnlySometimesMayFreeTwice() => VerifyAsync(InClass("""
            static void MaybeRelease(byte* p, bool done) { if (done) H.Free(p); }
            void M(bool done)
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:MaybeRelease(p, done)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task HelperThatFreesOnlySometimesThenANewBlockIsClean() => VerifyAsync(InClass("""
            static void MaybeRelease(byte* p, bool done) { if (done) H.Free(p); }
            void M(bool done)
            {
                byte* p = (byte*)H.Alloc(16);
                MaybeRelease(p, done);
                p = (byte*)H.Alloc(32);
                H.Free(p);
            }
        """));

    [Fact]
    public Task HelperChainThatFreesOnlySometimesMayFreeTwice() => VerifyAsync(InClass("""
            static void MaybeRelease(byte* p, bool done) { if (done) H.Free(p); }
            static void Forward(byte* p, bool done) => MaybeRelease(p, done);
            void M(bool done)
            {
                byte* p = (byte*)H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:Forward(p, done)|};
            }
            void N(bool done)
            {
                byte* p = (byte*)H.Alloc(16);
                Forward(p, done);
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task HelperThatFreesOnlySometimesCalledTwiceIsReferenceCounting() => VerifyAsync(InClass("""
            struct Node { public int References; }
            static void Release(Node* node) { if (--node->References == 0) H.Free(node); }
            void M()
            {
                Node* node = (Node*)H.Alloc(16);
                node->References = 2;
                Release(node);
                Release(node);
            }
        """));
}
