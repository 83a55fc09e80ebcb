// Checks the IHeapSpec invariants on the structs the generator really emitted (the planner's unit
// tests check the plan; these check that the emitted tables and lookup say the same), exhaustively:
// every small size, every page, every offset inside the blocks of every page.
namespace Heapsmith.Tests.Generated;

public class SpecInvariantTests
{
    [Fact]
    public void DefaultHeap_spec_holds() => SpecInvariants.Check<DefaultHeap.Spec>();

    [Fact]
    public void FineHeap_spec_holds() => SpecInvariants.Check<FineHeap.Spec>();

    [Fact]
    public void ExplicitHeap_spec_holds() => SpecInvariants.Check<ExplicitHeap.Spec>();

    [Fact]
    public void GlobalPowersOfTwoHeap_spec_holds() => SpecInvariants.Check<GlobalPowersOfTwoHeap.Spec>();

    [Fact]
    public void ParticleHeap_spec_holds() => SpecInvariants.Check<Subsystems.ParticleHeap.Spec>();

    [Fact]
    public void FrameArena_spec_holds() => SpecInvariants.Check<FrameArena.Spec>();

    [Fact]
    public void LevelArena_spec_holds() => SpecInvariants.Check<Subsystems.LevelArena.Spec>();

    [Fact]
    public void Spec_tables_are_constant_data_read_without_allocating()
    {
        static long ReadEverything<TSpec>()
            where TSpec : struct, IHeapSpec
        {
            long sum = 0;
            for (nuint size = 0; size <= (nuint)TSpec.MaxSmallSize; size += 7)
            {
                var c = TSpec.SizeClassOf(size);
                sum += TSpec.BlockSize(c) + TSpec.PageSpan(c) + TSpec.BlocksPerPage(c) + (long)(TSpec.BlockIndexMultiplier(c) & 1);
            }

            return sum;
        }

        for (var warm = 0; warm < 50; warm++)
        {
            ReadEverything<DefaultHeap.Spec>(); // past tiered JIT and on-stack replacement, which allocate
            ReadEverything<Subsystems.LevelArena.Spec>();
        }

        var before = System.GC.GetAllocatedBytesForCurrentThread();
        var sum = ReadEverything<DefaultHeap.Spec>() + ReadEverything<Subsystems.LevelArena.Spec>();
        Assert.Equal(before, System.GC.GetAllocatedBytesForCurrentThread());
        Assert.True(sum > 0);
    }

    [Fact]
    public void Spec_carries_the_configuration()
    {
        Assert.Equal("Heapsmith.Tests.Generated.FrameArena", FrameArena.Spec.Name);
        Assert.Equal(HeapBackend.NativeMemory, FrameArena.Spec.Backend);
        Assert.False(FrameArena.Spec.ThreadSafe);
        Assert.Equal(HeapChecks.DoubleFree | HeapChecks.Junk, FrameArena.Spec.Checks);
        Assert.Equal(0, FrameArena.Spec.PurgeDelayMs);
        Assert.Equal(18, Subsystems.ParticleHeap.Spec.PageShift);
        Assert.Equal(24, Subsystems.ParticleHeap.Spec.SegmentShift);
        Assert.Equal(HeapBackend.Mmap, DefaultHeap.Spec.Backend);
        Assert.Equal(10, DefaultHeap.Spec.PurgeDelayMs);
    }
}

internal static class SpecInvariants
{
    public static void Check<TSpec>()
        where TSpec : struct, IHeapSpec
    {
        var count = TSpec.SizeClassCount;
        Assert.Equal(TSpec.MaxSmallSize, TSpec.BlockSize(count - 1));
        Assert.Equal(0, TSpec.SizeClassOf(0));
        for (var c = 0; c < count; c++)
        {
            Assert.Equal(0, TSpec.BlockSize(c) % TSpec.Alignment);
            if (c > 0)
            {
                Assert.True(TSpec.BlockSize(c) > TSpec.BlockSize(c - 1), $"{TSpec.Name}: class {c} is not ascending");
            }
        }

        // Every small size: the smallest class that fits.
        var expected = 0;
        for (nuint size = 1; size <= (nuint)TSpec.MaxSmallSize; size++)
        {
            while ((nuint)TSpec.BlockSize(expected) < size)
            {
                expected++;
            }

            if (TSpec.SizeClassOf(size) != expected)
            {
                Assert.Fail($"{TSpec.Name}: SizeClassOf({size}) = {TSpec.SizeClassOf(size)}, expected {expected}");
            }
        }

        // Every page: within the segment less its header unit, two blocks or more, under 1/8 waste;
        // every offset inside its blocks maps to its block index.
        var maxSpan = (1 << (TSpec.SegmentShift - TSpec.PageShift)) - 1;
        for (var c = 0; c < count; c++)
        {
            var block = (ulong)TSpec.BlockSize(c);
            var pageBytes = (ulong)TSpec.PageSpan(c) << TSpec.PageShift;
            var used = (ulong)TSpec.BlocksPerPage(c) * block;
            Assert.InRange(TSpec.PageSpan(c), 1, maxSpan);
            Assert.True(TSpec.BlocksPerPage(c) >= 2);
            Assert.True(used <= pageBytes && (pageBytes - used) * 8 < pageBytes, $"{TSpec.Name}: class {c} wastes {pageBytes - used} of {pageBytes}");
            var multiplier = TSpec.BlockIndexMultiplier(c);
            Assert.True((System.UInt128)(used - 1) * multiplier <= ulong.MaxValue);
            for (ulong offset = 0; offset < used; offset++)
            {
                if (((offset * multiplier) >> TSpec.BlockIndexShift) != offset / block)
                {
                    Assert.Fail($"{TSpec.Name}: class {c} maps offset {offset} to the wrong block");
                }
            }
        }
    }
}
