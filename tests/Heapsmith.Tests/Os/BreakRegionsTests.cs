using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>
/// The brk backend's logic against a simulated break that another user moves between our sbrk
/// calls: every way the break can change under it ends in a region that is aligned, zeroed and
/// disjoint from the other user's bytes, or in a refusal; never in sharing.
/// </summary>
public sealed unsafe class BreakRegionsTests
{
    private const nuint KiB = 1024;
    private const nuint MiB = 1024 * KiB;
    private const ulong ForeignKey = 0xF0F0;

    /// <summary>An unaligned starting break, as a foreign user may leave it.</summary>
    private const nuint StartOffset = 5000;

    private static void* Reserve(nuint size, nuint alignment) => BreakRegions<SimulatedBreak>.Reserve(size, alignment);

    private static void Release(void* address, nuint size) => BreakRegions<SimulatedBreak>.Release(address, size);

    /// <summary>The other user grows the break by <paramref name="size"/> and fills what it got.</summary>
    private static (nuint Start, nuint End) ForeignGrow(nuint size)
    {
        var start = (nuint)SimulatedBreak.Move((nint)size);
        Patterns.Fill((void*)start, size, ForeignKey);
        return (start, start + size);
    }

    /// <summary>Arranges for <paramref name="action"/> to run before the sbrk call number <paramref name="call"/> (0-based).</summary>
    private static void BeforeCall(int call, System.Action action)
    {
        var calls = 0;
        SimulatedBreak.BeforeSbrk = _ =>
        {
            if (calls++ == call)
            {
                action();
            }
        };
    }

    private static void AssertDisjoint(nuint start, nuint size, (nuint Start, nuint End) other) =>
        Assert.True(start + size <= other.Start || other.End <= start, $"[{start:x}, +{size:x}) overlaps [{other.Start:x}, {other.End:x})");

    [Fact]
    public void Reserve_aligns_above_an_unaligned_break_and_keeps_the_padding_as_a_hole()
    {
        SimulatedBreak.Reset(StartOffset);
        var p = Reserve(64 * KiB, 4 * MiB);
        Assert.True(p != null);
        Assert.Equal(0UL, (ulong)p % (4 * MiB));
        Assert.Equal((nuint)p + (64 * KiB), SimulatedBreak.Current);
        Assert.Equal(new[] { (SimulatedBreak.Base + StartOffset, (nuint)p) }, BreakRegions<SimulatedBreak>.Holes);
    }

    [Fact]
    public void A_foreign_grow_before_our_increment_still_yields_an_aligned_region_beside_it()
    {
        SimulatedBreak.Reset(StartOffset);
        (nuint Start, nuint End) foreign = default;

        // Call 0 is sbrk(0), call 1 the increment: the other user extends in between, by less than
        // our padding, so the aligned region still fits in what we get.
        BeforeCall(1, () => foreign = ForeignGrow(16 * KiB));
        var p = Reserve(256 * KiB, 1 * MiB);
        SimulatedBreak.BeforeSbrk = null;

        Assert.True(p != null);
        Assert.Equal(0UL, (ulong)p % MiB);
        AssertDisjoint((nuint)p, 256 * KiB, foreign);
        Assert.Equal(-1L, Patterns.FirstNonZero(p, 256 * KiB));
        Patterns.Fill(p, 256 * KiB, key: 1);
        Assert.Equal(-1L, Patterns.FirstMismatch((void*)foreign.Start, foreign.End - foreign.Start, ForeignKey));
    }

    [Fact]
    public void A_foreign_grow_that_spoils_the_alignment_is_given_back_and_retried()
    {
        SimulatedBreak.Reset(0);

        // The break starts aligned, so our padding is 0; the other user's 8 KiB then misaligns what
        // we get. Since we are at the top, it is given back and the next attempt aligns again.
        (nuint Start, nuint End) foreign = default;
        BeforeCall(1, () => foreign = ForeignGrow(8 * KiB));
        var p = Reserve(128 * KiB, 64 * KiB);
        SimulatedBreak.BeforeSbrk = null;

        Assert.True(p != null);
        Assert.Equal(0UL, (ulong)p % (64 * KiB));
        AssertDisjoint((nuint)p, 128 * KiB, foreign);
        Assert.Equal((nuint)p + (128 * KiB), SimulatedBreak.Current);
        Assert.Equal(-1L, Patterns.FirstMismatch((void*)foreign.Start, foreign.End - foreign.Start, ForeignKey));
    }

    [Fact]
    public void A_spoiled_region_that_is_no_longer_at_the_top_is_kept_as_a_hole()
    {
        SimulatedBreak.Reset(0);
        (nuint Start, nuint End) first = default, second = default;
        var calls = 0;
        SimulatedBreak.BeforeSbrk = _ =>
        {
            switch (calls++)
            {
                case 1: first = ForeignGrow(8 * KiB); break;      // misaligns our increment
                case 2: second = ForeignGrow(4 * KiB); break;     // and sits above it: no give-back
            }
        };
        var p = Reserve(64 * KiB, 64 * KiB);
        SimulatedBreak.BeforeSbrk = null;

        Assert.True(p != null);
        Assert.Equal(0UL, (ulong)p % (64 * KiB));
        AssertDisjoint((nuint)p, 64 * KiB, first);
        AssertDisjoint((nuint)p, 64 * KiB, second);
        Assert.Contains(BreakRegions<SimulatedBreak>.Holes, h => h.Start == first.End && h.End == second.Start);
        Assert.Equal(-1L, Patterns.FirstMismatch((void*)first.Start, 8 * KiB, ForeignKey));
        Assert.Equal(-1L, Patterns.FirstMismatch((void*)second.Start, 4 * KiB, ForeignKey));
    }

    [Fact]
    public void A_foreign_shrink_under_our_increment_is_a_refusal()
    {
        SimulatedBreak.Reset(1 * MiB);

        // After our increment the other user moves the break below what we were given.
        BeforeCall(2, () => SimulatedBreak.Move(-(nint)(512 * KiB)));
        var p = Reserve(256 * KiB, 64 * KiB);
        SimulatedBreak.BeforeSbrk = null;

        Assert.True(p == null);
        Assert.Empty(BreakRegions<SimulatedBreak>.Holes);
    }

    [Fact]
    public void A_refused_sbrk_is_null_and_leaves_the_break_alone()
    {
        SimulatedBreak.Reset(StartOffset);
        var before = SimulatedBreak.Current;
        Assert.True(Reserve(SimulatedBreak.Capacity, 64 * KiB) == null);
        Assert.Equal(before, SimulatedBreak.Current);
        Assert.True(Reserve(64 * KiB, 64 * KiB) != null);
    }

    [Fact]
    public void Release_at_the_top_shrinks_the_break_through_the_holes_below()
    {
        SimulatedBreak.Reset(StartOffset);
        var a = Reserve(64 * KiB, 64 * KiB);
        var b = Reserve(1 * MiB, 1 * MiB);
        var c = Reserve(64 * KiB, 64 * KiB);
        Patterns.Fill(b, 1 * MiB, key: 2);

        Release(b, 1 * MiB);
        Assert.Equal((nuint)c + (64 * KiB), SimulatedBreak.Current);
        Assert.Equal((nuint)0, ProcessMemory.ResidentPageCount(b, 1 * MiB));

        // c is at the top: the break falls past c, b's hole and the padding below b, to a's end.
        Release(c, 64 * KiB);
        Assert.Equal((nuint)a + (64 * KiB), SimulatedBreak.Current);

        Release(a, 64 * KiB);
        Assert.Equal(SimulatedBreak.Base + StartOffset, SimulatedBreak.Current);
        Assert.Empty(BreakRegions<SimulatedBreak>.Holes);
    }

    [Fact]
    public void Release_below_a_foreign_block_purges_and_the_hole_is_reused_zeroed()
    {
        SimulatedBreak.Reset(0);
        var p = Reserve(512 * KiB, 64 * KiB);
        Patterns.Fill(p, 512 * KiB, key: 3);
        var foreign = ForeignGrow(32 * KiB);

        Release(p, 512 * KiB);
        Assert.Equal(foreign.End, SimulatedBreak.Current);
        Assert.Equal((nuint)0, ProcessMemory.ResidentPageCount(p, 512 * KiB));

        var q = Reserve(256 * KiB, 64 * KiB);
        Assert.True(q == p, "the lowest hole is reused first");
        Assert.Equal(-1L, Patterns.FirstNonZero(q, 256 * KiB));
        Assert.Equal(foreign.End, SimulatedBreak.Current);
        Assert.Equal(-1L, Patterns.FirstMismatch((void*)foreign.Start, 32 * KiB, ForeignKey));
    }

    [Fact]
    public void A_foreign_grow_between_our_check_and_our_shrink_is_undone()
    {
        SimulatedBreak.Reset(0);
        var p = Reserve(128 * KiB, 64 * KiB);
        (nuint Start, nuint End) foreign = default;

        // Release reads the break (call 0), finds p at the top, and shrinks (call 1); the other user
        // extends in between. Our shrink must not take its pages: it is undone, p becomes a hole.
        BeforeCall(1, () => foreign = ForeignGrow(64 * KiB));
        Release(p, 128 * KiB);
        SimulatedBreak.BeforeSbrk = null;

        Assert.Equal(foreign.End, SimulatedBreak.Current);
        Assert.Contains(BreakRegions<SimulatedBreak>.Holes, h => h.Start == (nuint)p && h.End == (nuint)p + (128 * KiB));
    }
}
