using System;
using System.Buffers;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using MemorySpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.MemorySpecParameters>;

namespace Heapsmith.Tests.Engine;

/// <summary>AllocSpan, Free(span) and AllocMemory: heap blocks as Span and as an IMemoryOwner.</summary>
public unsafe class SpanMemoryTests
{
    [Fact]
    public void AllocSpan_covers_a_new_block_and_Free_of_the_span_frees_it()
    {
        using var arena = new ArenaHeap<MemorySpec>();
        var span = arena.AllocSpan<long>(1000);
        Assert.Equal(1000, span.Length);
        var block = System.Runtime.CompilerServices.Unsafe.AsPointer(ref span[0]);
        Assert.True(arena.Owns(block));
        Assert.True(arena.UsableSize(block) >= 8000);
        span.Fill(42);
        Assert.Equal(42, span[999]);

        arena.Free(span);
        Assert.Equal(1, arena.GetStats().Frees);
        Assert.Equal(0, arena.GetStats().BytesInUse);
        Assert.Throws<ArgumentOutOfRangeException>(() => arena.AllocSpan<byte>(-1));
    }

    [Fact]
    public void An_owner_exposes_the_block_as_Memory_and_Dispose_frees_it_once()
    {
        using var arena = new ArenaHeap<MemorySpec>();
        var owner = arena.AllocMemory<int>(256);
        var memory = owner.Memory;
        Assert.Equal(256, memory.Length);
        memory.Span.Fill(7);
        Assert.True(arena.Owns(owner.Pointer));
        using (var handle = memory.Slice(10).Pin())
        {
            Assert.True(handle.Pointer == (int*)owner.Pointer + 10);
            Assert.Equal(7, *(int*)handle.Pointer);
        }

        Assert.Equal(0, arena.GetStats().Frees);
        IMemoryOwner<int> disposable = owner;
        disposable.Dispose();
        disposable.Dispose();
        Assert.Equal(1, arena.GetStats().Frees);
        Assert.Equal(0, arena.GetStats().BytesInUse);
        Assert.Throws<ObjectDisposedException>(() => memory.Span.Length);
    }

    [Fact]
    public void An_owner_disposed_after_its_arena_does_nothing()
    {
        var arena = new ArenaHeap<MemorySpec>();
        IMemoryOwner<byte> owner = arena.AllocMemory<byte>(64);
        arena.Dispose();
        owner.Dispose(); // the arena released the block already: no free, no exception
        Assert.Throws<ObjectDisposedException>(() => owner.Memory.Span.Length);
    }
}

/// <summary>A heap block handed to Stream.ReadAsync as Memory (no unsafe context: the test awaits).</summary>
public class HeapMemoryStreamTests
{
    [Fact]
    public async Task A_stream_reads_into_heap_memory()
    {
        var data = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        using var owner = StaticHeap<MemorySpec>.AllocMemory<byte>(100_000); // a large block
        using var stream = new MemoryStream(data);
        var offset = 0;
        int read;
        while ((read = await stream.ReadAsync(owner.Memory)) > 0)
        {
            Assert.True(owner.Memory.Span[..read].SequenceEqual(data.AsSpan(offset, read)));
            offset += read;
        }

        Assert.Equal(data.Length, offset);
    }
}
