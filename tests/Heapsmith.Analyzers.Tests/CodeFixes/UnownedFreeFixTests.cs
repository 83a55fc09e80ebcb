// HEAP002 code fixes: the matching deallocator for a block of another allocator (heap, arena,
// NativeMemory, aligned, HGlobal, with the pointer/IntPtr cast it needs), removal of a free of
// stack, address-of and fixed memory, no fix for an interior pointer, and Fix All.
using System.Threading.Tasks;
using Heapsmith.CodeFixes;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;
using static Heapsmith.Analyzers.Tests.CodeFixes.CodeFixHarness;

namespace Heapsmith.Analyzers.Tests.CodeFixes;

public sealed class UnownedFreeFixTests
{
    private const string Replace = UnownedFreeCodeFixProvider.ReplaceKey;
    private const string Remove = UnownedFreeCodeFixProvider.RemoveKey;

    [Fact]
    public Task NativeMemoryBlockFreedByAHeapGetsNativeMemoryFree() => VerifyFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M()
            {
                byte* p = (byte*){|#1:NativeMemory.Alloc(256)|};
                {|#0:H.Free(p, 256)|};
            }
        """), InClass("""
            void M()
            {
                byte* p = (byte*)NativeMemory.Alloc(256);
                NativeMemory.Free(p);
            }
        """), Replace, Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task HeapBlockFreedByAnotherHeapGetsItsOwnHeap() => VerifyFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M()
            {
                void* p = {|#1:H.Alloc(16)|};
                {|#0:G.Free(p)|};
            }
        """), InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                H.Free(p);
            }
        """), Replace, Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task ArenaBlockFreedByAnotherArenaGetsTheAllocatingArena() => VerifyFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M(Arena a, Arena b)
            {
                void* p = {|#1:a.Alloc(16)|};
                {|#0:b.Free(p)|};
            }
        """), InClass("""
            void M(Arena a, Arena b)
            {
                void* p = a.Alloc(16);
                a.Free(p);
            }
        """), Replace, Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task HGlobalFreedByAHeapGetsFreeHGlobalWithoutTheCast() => VerifyFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M()
            {
                IntPtr p = {|#1:Marshal.AllocHGlobal(16)|};
                {|#0:H.Free((void*)p)|};
            }
        """), InClass("""
            void M()
            {
                IntPtr p = Marshal.AllocHGlobal(16);
                Marshal.FreeHGlobal(p);
            }
        """), Replace, Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task HeapBlockFreedWithFreeHGlobalGetsTheHeapFree() => VerifyFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M()
            {
                void* p = {|#1:H.Alloc(16)|};
                {|#0:Marshal.FreeHGlobal((IntPtr)p)|};
            }
        """), InClass("""
            void M()
            {
                void* p = H.Alloc(16);
                H.Free(p);
            }
        """), Replace, Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task HGlobalHeldAsPointerIsCastForFreeHGlobal() => VerifyFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M()
            {
                byte* p = (byte*){|#1:Marshal.AllocHGlobal(16)|};
                {|#0:NativeMemory.Free(p)|};
            }
        """), InClass("""
            void M()
            {
                byte* p = (byte*)Marshal.AllocHGlobal(16);
                Marshal.FreeHGlobal((nint)p);
            }
        """), Replace, Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task StackMemoryFreeIsRemoved() => VerifyFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M()
            {
                byte* p = {|#1:stackalloc byte[16]|};
                p[0] = 1;
                {|#0:H.Free(p)|};
            }
        """), InClass("""
            void M()
            {
                byte* p = stackalloc byte[16];
                p[0] = 1;
            }
        """), Remove, Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task FreesOfAddressAndFixedMemoryAreAllRemoved() => VerifyFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M(byte[] array)
            {
                int x = 0;
                {|#0:H.Free({|#1:&x|})|};
                fixed (byte* {|#3:p = array|})
                {
                    {|#2:NativeMemory.Free(p)|};
                }
            }
        """), InClass("""
            void M(byte[] array)
            {
                int x = 0;
                fixed (byte* p = array)
                {
                }
            }
        """), Remove, Diagnostic("HEAP002", 0, 1), Diagnostic("HEAP002", 2, 3));

    [Fact]
    public Task InteriorPointerHasNoMechanicalFix() => VerifyNoFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M()
            {
                byte* q = (byte*){|#1:H.Alloc(64)|};
                {|#0:H.Free(q + 16)|};
            }
        """), Replace, Diagnostic("HEAP002", 0, 1));

    [Fact]
    public Task FixAllReplacesEveryMismatchedFree() => VerifyFixAsync<UnownedFreeCodeFixProvider>(InClass("""
            void M()
            {
                void* p = {|#1:NativeMemory.AlignedAlloc(64, 64)|};
                void* q = {|#3:G.Alloc(16)|};
                {|#0:NativeMemory.Free(p)|};
                {|#2:H.Free(q)|};
            }
        """), InClass("""
            void M()
            {
                void* p = NativeMemory.AlignedAlloc(64, 64);
                void* q = G.Alloc(16);
                NativeMemory.AlignedFree(p);
                G.Free(q);
            }
        """), Replace, Diagnostic("HEAP002", 0, 1), Diagnostic("HEAP002", 2, 3));
}
