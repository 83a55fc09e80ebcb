using System;
using System.Buffers;

namespace Heapsmith.Tests.Generated;

/// <summary>The generated AllocSpan, Free(span) and AllocMemory reach the engine.</summary>
public unsafe class SpanMemoryApiTests
{
    [Fact]
    public void Generated_span_and_memory_members_allocate_and_free()
    {
        using var arena = new CappedArena();
        Span<int> span = arena.AllocSpan<int>(100);
        span[99] = 5;
        arena.Free(span);
        using (IMemoryOwner<byte> owner = arena.AllocMemory<byte>(4096))
        {
            owner.Memory.Span.Fill(1);
            Assert.Equal(2, arena.GetStats().Allocations);
        }

        Assert.Equal(2, arena.GetStats().Frees);
    }
}
