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
}
