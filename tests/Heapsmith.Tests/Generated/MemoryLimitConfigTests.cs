using System;

namespace Heapsmith.Tests.Generated;

/// <summary>[HeapConfig(MemoryLimit = …)] reaches the engine through the generated heap, and SetMemoryLimit overrides it.</summary>
public unsafe class MemoryLimitConfigTests
{
    [Fact]
    public void A_compile_time_limit_caps_the_heap_from_its_first_allocation()
    {
        using var arena = new CappedArena();
        Assert.Equal(8L << 20, arena.GetStats().MemoryLimit);
        var first = arena.Alloc(5 << 20);
        Assert.True(arena.TryAlloc(5 << 20) == null);
        var e = Assert.Throws<OutOfMemoryException>(() => arena.Alloc(5 << 20));
        Assert.Contains("CappedArena", e.Message);
        Assert.Contains("memory limit of 8388608 bytes", e.Message);

        arena.SetMemoryLimit(0);
        Assert.True(arena.TryAlloc(5 << 20) != null);
        arena.Free(first);
    }
}
