// Mismatched allocators in both directions, and instance heaps (arenas).
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class AllocatorTests
{
    [Fact]
    public Task HeapBlockFreedByAnotherHeapIsReported() => VerifyAsync(InClass("""
            void M()
            {
                void* p = {|#1:H.Alloc(16)|};
                {|#0:G.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task HeapBlockFreedByNativeMemoryIsReported() => VerifyAsync(InClass("""
            void M()
            {
                void* p = {|#1:H.Alloc(16)|};
                {|#0:NativeMemory.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task NativeMemoryBlockFreedByAHeapIsReported() => VerifyAsync(InClass("""
            void M()
            {
                void* p = {|#1:NativeMemory.Alloc(16)|};
                {|#0:H.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task HGlobalFreedByAHeapIsReported() => VerifyAsync(InClass("""
            void M()
            {
                IntPtr p = {|#1:Marshal.AllocHGlobal(16)|};
                {|#0:H.Free((void*)p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task HeapBlockFreedWithFreeHGlobalIsReported() => VerifyAsync(InClass("""
            void M()
            {
                void* p = {|#1:H.Alloc(16)|};
                {|#0:Marshal.FreeHGlobal((IntPtr)p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task CoTaskMemFreedWithFreeHGlobalIsReported() => VerifyAsync(InClass("""
            void M()
            {
                IntPtr p = {|#1:Marshal.AllocCoTaskMem(16)|};
                {|#0:Marshal.FreeHGlobal(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task AlignedBlockFreedWithPlainFreeIsReported() => VerifyAsync(InClass("""
            void M()
            {
                void* p = {|#1:NativeMemory.AlignedAlloc(64, 64)|};
                {|#0:NativeMemory.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task MatchingAllocatorsAreClean() => VerifyAsync(InClass("""
            void M()
            {
                void* a = H.Alloc(16);
                void* b = H.AlignedAlloc(64, 64);
                int* c = H.Alloc<int>(4);
                void* d = NativeMemory.Alloc(16);
                d = NativeMemory.Realloc(d, 32);
                void* e = NativeMemory.AlignedAlloc(64, 64);
                IntPtr f = Marshal.AllocHGlobal(16);
                f = Marshal.ReAllocHGlobal(f, 32);
                IntPtr g = Marshal.AllocCoTaskMem(16);
                void* z = H.AllocZeroed(4, 4);
                H.Free(a);
                H.Free(b, 64);
                H.Free(c);
                NativeMemory.Free(d);
                NativeMemory.AlignedFree(e);
                Marshal.FreeHGlobal(f);
                Marshal.FreeCoTaskMem(g);
                H.Free(z);
            }
        """));

    [Fact]
    public Task NativeMemoryLeakIsReported() => VerifyAsync(InClass("""
            void M()
            {
                void* p = {|#0:NativeMemory.Alloc(16)|};
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task BlockOfArenaAFreedByArenaBIsReported() => VerifyAsync(InClass("""
            void M(Arena a, Arena b)
            {
                void* p = {|#1:a.Alloc(16)|};
                {|#0:b.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task BlockOfArenaFreedByItsArenaIsClean() => VerifyAsync(InClass("""
            void M(Arena a)
            {
                void* p = a.Alloc(16);
                a.Free(p);
            }
        """));

    [Fact]
    public Task ArenaBlocksLeftToDisposeAreNotLeaks() => VerifyAsync(InClass("""
            void M()
            {
                using var arena = new Arena();
                byte* p = (byte*)arena.Alloc(16);
                byte* q = (byte*)arena.Alloc(32);
                p[0] = q[0];
            }
        """));

    [Fact]
    public Task UseAfterDisposeIsReported() => VerifyAsync(InClass("""
            void M()
            {
                var arena = new Arena();
                byte* p = (byte*)arena.Alloc(16);
                {|#1:arena.Dispose()|};
                {|#0:p[0]|} = 1;
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task UseAfterUsingBlockEndsIsReported() => VerifyAsync(InClass("""
            void M()
            {
                byte* p;
                using (var {|#1:arena = new Arena()|})
                {
                    p = (byte*)arena.Alloc(16);
                }

                {|#0:p[0]|} = 1;
            }
        """), Diagnostic("HEAP004", 0, 1));

    [Fact]
    public Task UseBeforeDisposeIsClean() => VerifyAsync(InClass("""
            void M()
            {
                var arena = new Arena();
                byte* p = (byte*)arena.Alloc(16);
                p[0] = 1;
                arena.Dispose();
            }
        """));

    [Fact]
    public Task ArenaCopiedToAnotherVariableIsTheSameArena() => VerifyAsync(InClass("""
            void M(Arena a)
            {
                var b = a;
                void* p = a.Alloc(16);
                b.Free(p);
            }
        """));

    [Fact]
    public Task TwoArenasCreatedHereAreDifferent() => VerifyAsync(InClass("""
            void M()
            {
                using var a = new Arena();
                using var b = new Arena();
                void* p = {|#1:a.Alloc(16)|};
                {|#0:b.Free(p)|};
            }
        """), Diagnostic("HEAP002", 0, 1));
}
