// The Span and Memory members of a heap (issue 14): AllocSpan allocates and Free(span) frees, like
// Alloc and Free; AllocMemory returns an IMemoryOwner whose Dispose frees the block, which the
// analyzers leave to .NET's dispose analysis (CA2000 reports an owner never disposed).
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class SpanMemoryApiTests
{
    [Fact]
    public Task SpanFreedIsClean() => VerifyAsync(InClass("""
            void M()
            {
                var s = H.AllocSpan<int>(4);
                s[0] = 1;
                H.Free(s);
            }
        """));

    [Fact]
    public Task SpanNeverFreedIsAMissingFree() => VerifyAsync(InClass("""
            void M()
            {
                var s = {|#0:H.AllocSpan<int>(4)|};
                s[0] = 1;
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task SpanFreedTwiceIsADoubleFree() => VerifyAsync(InClass("""
            void M()
            {
                var s = H.AllocSpan<int>(4);
                {|#1:H.Free(s)|};
                {|#0:H.Free(s)|};
            }
        """), Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task AMemoryOwnerIsLeftToTheDisposeAnalyzers() => VerifyAsync(InClass("""
            void M()
            {
                var owner = H.AllocMemory<byte>(64);
                owner.Memory.Span[0] = 1;
            }
        """));
}
