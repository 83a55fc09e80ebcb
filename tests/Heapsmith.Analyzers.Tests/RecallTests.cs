// Bugs the analysis missed before issue 12 ("What is missed today"), each beside a twin that
// must stay clean: a span over a freed block, UsableSize after Free (DataFlowTests), a catch that
// frees again after the try's free may have run.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class RecallTests
{
    // --- a span made over a block is a view of it ---

    [Fact]
    public Task SpanIndexedAfterTheBlockIsFreedIsAUseAfterFree() => VerifyAsync(InClass("""
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                var span = new Span<byte>(p, 16);
                {|#1:H.Free(p)|};
                {|#0:span[0]|} = 1;
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task SpanMethodCalledAfterTheBlockIsFreedIsAUseAfterFree() => VerifyAsync(InClass("""
            int M()
            {
                byte* p = (byte*)H.Alloc(16);
                ReadOnlySpan<byte> span = new ReadOnlySpan<byte>(p, 16);
                {|#1:H.Free(p)|};
                return {|#0:span|}.IndexOf((byte)0);
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task SpanUsedBeforeTheBlockIsFreedIsClean() => VerifyAsync(InClass("""
            int M()
            {
                byte* p = (byte*)H.Alloc(16);
                var span = new Span<byte>(p, 16);
                span.Clear();
                span[0] = 1;
                var found = span.IndexOf((byte)1);
                H.Free(p);
                return found + span.Length;
            }
        """));

    // --- a catch after a try whose free may have run ---

    [Fact]
    public Task CatchThatFreesAfterTheTrysFreeIsADoubleFree() => VerifyAsync(InClass("""
            static void Work(byte* p) { }
            static void Log() { }
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                try
                {
                    Work(p);
                    {|#1:H.Free(p)|};
                    Log();
                }
                catch (Exception)
                {
                    {|#0:H.Free(p)|};
                    throw;
                }
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task CatchThatFreesWhenTheTryFailedBeforeItsFreeIsClean() => VerifyAsync(InClass("""
            static void Work(byte* p) { }
            void M()
            {
                byte* p = (byte*)H.Alloc(16);
                try
                {
                    Work(p);
                    H.Free(p);
                }
                catch (Exception)
                {
                    H.Free(p);
                    throw;
                }
            }
        """));

    // --- blocks reached through fields and struct copies ---

    [Fact]
    public Task StaticFieldReadBackAndFreedTwiceIsADoubleFree() => VerifyAsync(InClass("""
            static byte* s_slot;
            void M()
            {
                s_slot = (byte*)H.Alloc(16);
                var p = s_slot;
                {|#1:H.Free(s_slot)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task StaticFieldFreedAndClearedIsClean() => VerifyAsync(InClass("""
            static byte* s_slot;
            void M()
            {
                s_slot = (byte*)H.Alloc(16);
                var p = s_slot;
                p[0] = 1;
                H.Free(s_slot);
                s_slot = null;
            }
        """));

    [Fact]
    public Task StaticFieldRewrittenByACallIsNotFollowedPastIt() => VerifyAsync(InClass("""
            static byte* s_slot;
            static void Refill() => s_slot = (byte*)H.Alloc(16);
            void M()
            {
                s_slot = (byte*)H.Alloc(16);
                H.Free(s_slot);
                Refill();
                H.Free(s_slot);
            }
        """));

    private const string Box = """
            sealed class Box
            {
                public byte* Ptr;
            }

        """;

    [Fact]
    public Task ObjectFieldFreedTwiceIsADoubleFree() => VerifyAsync(InClass(Box + """
            void M(Box box)
            {
                box.Ptr = (byte*)H.Alloc(16);
                {|#1:H.Free(box.Ptr)|};
                {|#0:H.Free(box.Ptr)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task ObjectFieldFreedAndNulledIsClean() => VerifyAsync(InClass(Box + """
            void M(Box box)
            {
                box.Ptr = (byte*)H.Alloc(16);
                H.Free(box.Ptr);
                box.Ptr = null;
                H.Free(box.Ptr);
            }
        """));

    [Fact]
    public Task FieldOfThisUsedAfterFreeIsAUseAfterFree() => VerifyAsync(InClass("""
            byte* _buffer;
            void M()
            {
                _buffer = (byte*)H.Alloc(16);
                {|#1:H.Free(_buffer)|};
                {|#0:_buffer[0]|} = 1;
            }
        """), Diagnostic("HEAP004", 0, 1));

    private const string Holder = """
            struct Holder
            {
                public byte* Ptr;
            }

        """;

    [Fact]
    public Task StructCopyFreedAfterTheOriginalIsADoubleFree() => VerifyAsync(InClass(Holder + """
            void M()
            {
                Holder h = default;
                h.Ptr = (byte*)H.Alloc(16);
                Holder copy = h;
                {|#1:H.Free(h.Ptr)|};
                {|#0:H.Free(copy.Ptr)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task StructCopyFreedOnceIsClean() => VerifyAsync(InClass(Holder + """
            void M()
            {
                Holder h = default;
                h.Ptr = (byte*)H.Alloc(16);
                Holder copy = h;
                H.Free(copy.Ptr);
            }
        """));

    // --- an out parameter that receives a fresh block ---

    private const string Make = """
            static void Make(out byte* p) => p = (byte*)H.Alloc(16);

        """;

    [Fact]
    public Task BlockFromAnOutParameterFreedTwiceIsADoubleFree() => VerifyAsync(InClass(Make + """
            void M()
            {
                Make(out byte* p);
                {|#1:H.Free(p)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task BlockFromAnOutParameterUsedAfterFreeIsAUseAfterFree() => VerifyAsync(InClass(Make + """
            void M()
            {
                Make(out byte* p);
                {|#1:H.Free(p)|};
                {|#0:p[0]|} = 1;
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task BlockFromAnOutParameterFreedOnceIsClean() => VerifyAsync(InClass(Make + """
            void M()
            {
                Make(out byte* p);
                p[0] = 1;
                H.Free(p);
            }
        """));

    [Fact]
    public Task BlockFromAnOutParameterNeverFreedLeaks() => VerifyAsync(InClass(Make + """
            void M()
            {
                Make({|#0:out byte* p|});
                p[0] = 1;
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task OutParameterThatMayBeNullIsNotFollowed() => VerifyAsync(InClass("""
            static bool TryMake(int n, out byte* p)
            {
                p = n > 0 ? (byte*)H.Alloc((nuint)n) : null;
                return p != null;
            }

            void M(int n)
            {
                if (!TryMake(n, out byte* p))
                {
                    return;
                }

                H.Free(p);
            }
        """));

    // --- addresses that are not heap blocks, arriving indirectly ---

    [Fact]
    public Task FreeOfUnsafeAsPointerOfALocalIsAFreeOfUnownedMemory() => VerifyAsync(InClass("""
            void M()
            {
                long x = 0;
                void* p = {|#1:System.Runtime.CompilerServices.Unsafe.AsPointer(ref x)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task UnsafeAsPointerOfALocalUsedIsClean() => VerifyAsync(InClass("""
            long M()
            {
                long x = 0;
                void* p = System.Runtime.CompilerServices.Unsafe.AsPointer(ref x);
                *(long*)p = 1;
                return x;
            }
        """));

    [Fact]
    public Task FreeOfAPinnedObjectsAddressIsAFreeOfUnownedMemory() => VerifyAsync(InClass("""
            void M(byte[] data)
            {
                var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
                void* p = (void*){|#1:handle.AddrOfPinnedObject()|};
                {|#0:NativeMemory.Free(p)|};
                handle.Free();
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task APinnedObjectsAddressUsedAndUnpinnedIsClean() => VerifyAsync(InClass("""
            void M(byte[] data)
            {
                var handle = GCHandle.Alloc(data, GCHandleType.Pinned);
                byte* p = (byte*)handle.AddrOfPinnedObject();
                p[0] = 1;
                handle.Free();
            }
        """));
}
