using System;
using System.Threading;
using Heapsmith.Engine;
using AllSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SecurityAllSpecParameters>;
using HardenedSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SecurityHardenedSpecParameters>;

namespace Heapsmith.Tests.Engine;

// The categories of mimalloc-bench's security tests (double free, invalid free, overflow,
// underflow, write and read after free, zero on allocate), written from their descriptions, against
// a heap with Checks = All and a hardened one. docs/security.md has the table, with the default
// heap and why a case is not detected; every "detected" there is a test here. Each heap is its own
// static heap; sizes differ between tests so that a test's damage (a dropped free list) stays on
// its own page; after each detection the heap must go on allocating and freeing correctly.
public unsafe class SecurityTests
{
    private const nuint Small = 64;
    private const nuint Large = 100_000;
    private const nuint Huge = 5 << 20;

    public static TheoryData<nuint, bool> DoubleFrees => new()
    {
        { Small, false }, { Small, true }, { Large, false }, { Large, true }, { Huge, false }, { Huge, true },
    };

    [Theory]
    [MemberData(nameof(DoubleFrees))]
    public void All_double_free_is_detected(nuint size, bool secondFreeOnAnotherThread) =>
        DoubleFree<AllSpec>(size + 8, secondFreeOnAnotherThread);

    [Theory]
    [MemberData(nameof(DoubleFrees))]
    public void Hardened_double_free_is_detected(nuint size, bool secondFreeOnAnotherThread) =>
        DoubleFree<HardenedSpec>(size + 8, secondFreeOnAnotherThread);

    [Fact]
    public void All_invalid_frees_of_stack_interior_foreign_and_misaligned_pointers_are_detected()
    {
        var stack = stackalloc byte[64];
        var foreign = System.Runtime.InteropServices.NativeMemory.Alloc(64);
        var block = (byte*)StaticHeap<AllSpec>.Alloc(96);
        try
        {
            Assert.Contains("does not own", Raised(() => StaticHeap<AllSpec>.Free(stack)).Problem);
            Assert.Contains("interior", Raised(() => StaticHeap<AllSpec>.Free(block + 32)).Problem);
            Assert.Contains("does not own", Raised(() => StaticHeap<AllSpec>.Free(foreign)).Problem);
            Assert.Contains("interior", Raised(() => StaticHeap<AllSpec>.Free(block + 1)).Problem);
            StaticHeap<AllSpec>.Free(block);
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(foreign);
        }

        StillWorks<AllSpec>();
    }

    [Fact]
    public void Hardened_invalid_frees_of_stack_and_foreign_pointers_are_detected()
    {
        var stack = stackalloc byte[64];
        var foreign = System.Runtime.InteropServices.NativeMemory.Alloc(64);
        try
        {
            Assert.Contains("does not own", Raised(() => StaticHeap<HardenedSpec>.Free(stack)).Problem);
            Assert.Contains("does not own", Raised(() => StaticHeap<HardenedSpec>.Free(foreign)).Problem);
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(foreign);
        }

        StillWorks<HardenedSpec>();
    }

    [Fact]
    public void Hardened_a_misaligned_free_is_detected_when_the_pointer_reaches_the_head_of_its_free_list()
    {
        // The free fast path does not test block starts (Ownership does); the pointer goes on the
        // list, and the next allocation of its class finds it misaligned instead of handing it out.
        const nuint size = 1800;
        var block = (byte*)StaticHeap<HardenedSpec>.Alloc(size);
        StaticHeap<HardenedSpec>.Free(block + 1);
        var e = Raised(() => StaticHeap<HardenedSpec>.Alloc(size));
        Assert.Equal((nint)(block + 1), e.Pointer);
        Assert.Contains("corrupted free list", e.Problem);
        StillWorks<HardenedSpec>(); // the block stays allocated: its page's count took the bad free
    }

    [Theory]
    [InlineData(1)]
    [InlineData(32)]
    [InlineData(5000)]
    public void All_an_overflow_is_detected_at_the_free_of_the_block(int length)
    {
        // 5000 bytes from the end of a 3000-byte request cross the block's end, its neighbours and
        // an OS page boundary.
        const nuint size = 3000;
        var block = (byte*)StaticHeap<AllSpec>.Alloc(size);
        var saved = new Span<byte>(block + size, length).ToArray();
        new Span<byte>(block + size, length).Fill(0x41);
        var e = Raised(() => StaticHeap<AllSpec>.Free(block));
        Assert.Contains("overrun", e.Problem);
        Assert.Equal((nint)block, e.Pointer);
        saved.CopyTo(new Span<byte>(block + size, length));
        StaticHeap<AllSpec>.Free(block);
        StillWorks<AllSpec>();
    }

    [Fact]
    public void Hardened_an_overflow_into_a_free_neighbour_is_detected_before_the_address_it_wrote_is_handed_out()
    {
        const nuint size = 14_336; // a class StillWorks never uses: its page's blocks come in address order
        var block = (byte*)StaticHeap<HardenedSpec>.Alloc(size);
        var next = (byte*)StaticHeap<HardenedSpec>.Alloc(size);
        Assert.True(next == block + size, "neighbours on one page");
        StaticHeap<HardenedSpec>.Free(next);
        new Span<byte>(block + size, 32).Fill(0x41); // 32 bytes past the block: the free neighbour's link
        Assert.True(StaticHeap<HardenedSpec>.Alloc(size) == next);
        Assert.Contains("corrupted free list", Raised(() => StaticHeap<HardenedSpec>.Alloc(size)).Problem);
        StaticHeap<HardenedSpec>.Free(next);
        StaticHeap<HardenedSpec>.Free(block);
        StillWorks<HardenedSpec>();
    }

    [Fact]
    public void All_an_underflow_is_detected_when_the_owning_thread_frees_the_block()
    {
        const nuint size = 13_000; // a class StillWorks never uses: its page's blocks come in address order
        var before = (byte*)StaticHeap<AllSpec>.Alloc(size);
        var block = (byte*)StaticHeap<AllSpec>.Alloc(size);
        Assert.True(block == before + AllSpec.BlockSize(AllSpec.SizeClassOf(size + 8)), "the block before it on its page");
        var saved = *(ulong*)(block - 8);
        *(ulong*)(block - 8) = 0x4141414141414141;
        var e = Raised(() => StaticHeap<AllSpec>.Free(block));
        Assert.Contains("underrun", e.Problem);
        *(ulong*)(block - 8) = saved;
        StaticHeap<AllSpec>.Free(block);
        StaticHeap<AllSpec>.Free(before);
        StillWorks<AllSpec>();
    }

    [Fact]
    public void All_a_write_after_free_over_the_free_list_link_is_detected() => WriteAfterFree<AllSpec>(700);

    [Fact]
    public void Hardened_a_write_after_free_over_the_free_list_link_is_detected() => WriteAfterFree<HardenedSpec>(700);

    [Fact]
    public void All_a_write_after_free_past_the_link_is_detected_when_the_block_is_handed_out_again()
    {
        const nuint size = 1500;
        var block = (byte*)StaticHeap<AllSpec>.Alloc(size);
        StaticHeap<AllSpec>.Free(block);
        block[700] = 0x41; // a use after free writes into the block's middle
        var e = Raised(() => StaticHeap<AllSpec>.Alloc(size));
        Assert.Equal((nint)block, e.Pointer);
        Assert.Contains("write after free", e.Problem);
        StillWorks<AllSpec>();
    }

    [Fact]
    public void All_a_reused_block_shows_junk_not_its_previous_contents_and_AllocZeroed_is_zero()
    {
        // Not a detection: what a read after free or a read of new memory sees (docs/security.md).
        const nuint size = 900;
        var block = (byte*)StaticHeap<AllSpec>.Alloc(size);
        new Span<byte>(block, (int)size).Fill(0x33);
        StaticHeap<AllSpec>.Free(block);
        Assert.True(new Span<byte>(block + 16, (int)size - 16).IndexOfAnyExcept(HeapCheck<AllSpec>.FreedJunk) < 0, "a read after free sees junk");
        var again = (byte*)StaticHeap<AllSpec>.Alloc(size);
        Assert.True(again == block);
        Assert.True(new Span<byte>(again, (int)size).IndexOfAnyExcept(HeapCheck<AllSpec>.AllocatedJunk) < 0, "new memory shows no old contents");
        StaticHeap<AllSpec>.Free(again);
        var zeroed = (byte*)StaticHeap<AllSpec>.AllocZeroed(1, size);
        Assert.True(new Span<byte>(zeroed, (int)size).IndexOfAnyExcept((byte)0) < 0);
        StaticHeap<AllSpec>.Free(zeroed);
    }

    private static void DoubleFree<TSpec>(nuint size, bool otherThread)
        where TSpec : struct, IHeapSpec
    {
        var block = StaticHeap<TSpec>.Alloc(size);
        StaticHeap<TSpec>.Free(block);
        HeapCorruptionException e;
        if (otherThread)
        {
            Exception? caught = null;
            var thread = new Thread(() => caught = Record(() => StaticHeap<TSpec>.Free(block)));
            thread.Start();
            thread.Join();
            e = Assert.IsType<HeapCorruptionException>(caught);
        }
        else
        {
            e = Raised(() => StaticHeap<TSpec>.Free(block));
        }

        Assert.Equal((nint)block, e.Pointer);
        Assert.True(e.Problem.Contains("double free", StringComparison.Ordinal) || e.Problem.Contains("does not own", StringComparison.Ordinal), e.Problem);
        StillWorks<TSpec>();
    }

    private static void WriteAfterFree<TSpec>(nuint size)
        where TSpec : struct, IHeapSpec
    {
        var first = StaticHeap<TSpec>.Alloc(size);
        var second = (nuint*)StaticHeap<TSpec>.Alloc(size);
        StaticHeap<TSpec>.Free(first);
        StaticHeap<TSpec>.Free(second); // the list is second -> first -> ...
        *second = unchecked((nuint)0x0000_7F00_DEAD_BEE0UL); // a use after free writes an address of its choosing
        Assert.True(StaticHeap<TSpec>.Alloc(size) == second);
        var e = Raised(() => StaticHeap<TSpec>.Alloc(size));
        Assert.Contains("corrupted free list", e.Problem);
        StaticHeap<TSpec>.Free(second);
        StillWorks<TSpec>();
    }

    private static HeapCorruptionException Raised(Action action) =>
        Assert.IsType<HeapCorruptionException>(Record(action));

    private static Exception? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static void StillWorks<TSpec>()
        where TSpec : struct, IHeapSpec
    {
        var blocks = new nint[300];
        for (var i = 0; i < blocks.Length; i++)
        {
            var block = (byte*)StaticHeap<TSpec>.Alloc((nuint)(16 + (i * 37)));
            block[0] = (byte)i;
            blocks[i] = (nint)block;
        }

        for (var i = 0; i < blocks.Length; i++)
        {
            Assert.Equal((byte)i, *(byte*)blocks[i]);
            StaticHeap<TSpec>.Free((void*)blocks[i]);
        }
    }
}
