// Shapes met in the repository's own OS layer that once gave false positives: they must stay clean.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class RealCodeTests
{
    [Fact]
    public Task CatchOfTheAllocatorsOwnFailureIsNotALeak() => VerifyAsync(InClass("""
            static void* Reserve(nuint size)
            {
                void* p;
                try
                {
                    p = NativeMemory.AlignedAlloc(size, 64);
                }
                catch (OutOfMemoryException)
                {
                    return null;
                }

                NativeMemory.Clear(p, size);
                return p;
            }
        """));

    [Fact]
    public Task ExplicitThrowCaughtInTheSameMethodStillLeaks() => VerifyAsync(InClass("""
            void M(bool c)
            {
                try
                {
                    void* p = {|#0:H.Alloc(16)|};
                    if (c)
                    {
                        throw new InvalidOperationException();
                    }

                    H.Free(p);
                }
                catch (InvalidOperationException)
                {
                    {|#1:return;|}
                }
            }
        """), Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task SwitchExpressionOverHelpersThatReturnBlocksIsHandedOn() => VerifyAsync(InClass("""
            static extern void* Map(nuint size);
            static void* Native(nuint size) => NativeMemory.Alloc(size);
            static void* Reserve(int backend, nuint size) => backend switch
            {
                0 => Map(size),
                1 => Native(size),
                _ => throw new ArgumentOutOfRangeException(nameof(backend)),
            };
        """));

    [Fact]
    public Task IntegerAddressesAreBookkeepingNotOwnership() => VerifyAsync(InClass("""
            static nuint[] s_holes = new nuint[8];
            static void Remember(nuint start, nuint end) { s_holes[0] = start; s_holes[1] = end; }
            static void Release(void* address, nuint size)
            {
                var start = (nuint)address;
                var end = start + size;
                Remember(start, end);
                NativeMemory.Clear((void*)start, end - start);
            }
        """));

    [Fact]
    public Task CountersStartingAtZeroAreNotBlocks() => VerifyAsync(InClass("""
            static nuint Count(nuint pages)
            {
                nuint count = 0;
                for (nuint i = 0; i < pages; i++)
                {
                    count += 1;
                }

                return count;
            }
            static bool Full(nuint pages) => Count(pages) == pages;
        """));
}
