using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Heapsmith.Engine;
using ArenaSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.ArenaSpecParameters>;
using SingleSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SingleThreadSpecParameters>;

namespace Heapsmith.Tests.Engine;

public unsafe class ArenaTests
{
    [Fact]
    public void Dispose_releases_every_segment_at_once()
    {
        var arena = new ArenaHeap<ArenaSpec>();
        var blocks = new List<nint>();
        for (var i = 0; i < 2000; i++)
        {
            blocks.Add((nint)arena.Alloc((nuint)(i * 37 % 20000)));
        }

        blocks.Add((nint)arena.Alloc(1 << 20));
        blocks.Add((nint)arena.Alloc(9 << 20));
        blocks.Add((nint)arena.AlignedAlloc(100, 8 << 20));
        Assert.True(arena.GetStats().BytesReserved >= (9 << 20) + (4 << 20));
        foreach (var block in blocks)
        {
            Assert.True(SegmentLayout<ArenaSpec>.PageOf((void*)block) != null);
        }

        arena.Dispose();

        // The segment map no longer vouches for any of them: the memory is gone.
        foreach (var block in blocks)
        {
            Assert.True(SegmentLayout<ArenaSpec>.PageOf((void*)block) == null, $"0x{block:x} still mapped");
        }

        Assert.True(arena.IsDisposed);
    }

    [Fact]
    public void Every_member_throws_after_dispose_and_dispose_is_idempotent()
    {
        var arena = new ArenaHeap<ArenaSpec>();
        var block = arena.Alloc(10);
        arena.Dispose();
        arena.Dispose();
        Assert.Throws<ObjectDisposedException>(() => arena.Alloc(10));
        Assert.Throws<ObjectDisposedException>(() => arena.TryAlloc(10));
        Assert.Throws<ObjectDisposedException>(() => arena.AllocZeroed(1, 10));
        Assert.Throws<ObjectDisposedException>(() => arena.AlignedAlloc(10, 64));
        Assert.Throws<ObjectDisposedException>(() => arena.Realloc(block, 20));
        Assert.Throws<ObjectDisposedException>(() => arena.Free(block));
        Assert.Throws<ObjectDisposedException>(() => arena.Free(block, 10));
        Assert.Throws<ObjectDisposedException>(() => arena.UsableSize(block));
        Assert.Throws<ObjectDisposedException>(() => arena.GoodSize(10));
        Assert.Throws<ObjectDisposedException>(() => arena.Owns(block));
        Assert.Throws<ObjectDisposedException>(() => arena.GetStats());
        Assert.Throws<ObjectDisposedException>(arena.Trim);
    }

    [Fact]
    public void Blocks_freed_through_the_wrong_heap_are_ignored_and_both_heaps_stay_intact()
    {
        using var a = new ArenaHeap<ArenaSpec>();
        using var b = new ArenaHeap<ArenaSpec>();
        var fromA = (byte*)a.Alloc(48);
        var largeFromA = (byte*)a.Alloc(100_000);
        var fromStatic = (byte*)StaticHeap<ArenaSpec>.Alloc(48);
        fromA[0] = 1;
        largeFromA[0] = 2;
        fromStatic[0] = 3;
        var statsA = a.GetStats();
        var statsB = b.GetStats();

        Assert.False(b.Owns(fromA));
        Assert.False(StaticHeap<ArenaSpec>.Owns(fromA));
        Assert.False(a.Owns(fromStatic));
        Assert.Equal((nuint)0, b.UsableSize(fromA));

        b.Free(fromA);
        b.Free(largeFromA);
        StaticHeap<ArenaSpec>.Free(fromA);
        a.Free(fromStatic);
        Assert.Throws<ArgumentException>(() => b.Realloc(fromA, 100));

        Assert.Equal(statsA, a.GetStats() with { LiveBlocksBySizeClass = statsA.LiveBlocksBySizeClass });
        Assert.Equal(statsB.BytesInUse, b.GetStats().BytesInUse);
        Assert.True(a.Owns(fromA) && a.Owns(largeFromA) && StaticHeap<ArenaSpec>.Owns(fromStatic));
        Assert.Equal(1, fromA[0]);
        Assert.Equal(2, largeFromA[0]);
        Assert.Equal(3, fromStatic[0]);

        // Each heap still hands out fresh, distinct blocks.
        var next = a.Alloc(48);
        Assert.True(next != fromA);
        a.Free(next);
        a.Free(fromA);
        a.Free(largeFromA);
        StaticHeap<ArenaSpec>.Free(fromStatic);
        Assert.Equal(0, a.GetStats().BytesInUse);
    }

    [Fact]
    public void A_thread_safe_arena_serves_several_threads_at_once()
    {
        using var arena = new ArenaHeap<ArenaSpec>();
        var shared = new ConcurrentQueue<(nint Block, byte Fill)>();
        var failures = 0;
        var threads = new Thread[3];
        for (var t = 0; t < threads.Length; t++)
        {
            var seed = t;
            threads[t] = new Thread(() =>
            {
                var random = new Random(seed);
                for (var i = 0; i < 20_000; i++)
                {
                    if (random.Next(2) == 0 || !shared.TryDequeue(out var item))
                    {
                        var fill = (byte)random.Next(1, 255);
                        var block = (byte*)arena.Alloc(64);
                        new Span<byte>(block, 64).Fill(fill);
                        shared.Enqueue(((nint)block, fill));
                    }
                    else
                    {
                        if (new Span<byte>((void*)item.Block, 64).IndexOfAnyExcept(item.Fill) >= 0)
                        {
                            Interlocked.Increment(ref failures);
                        }

                        arena.Free((void*)item.Block);
                    }
                }
            });
            threads[t].Start();
        }

        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(0, failures);
        while (shared.TryDequeue(out var item))
        {
            arena.Free((void*)item.Block);
        }

        var stats = arena.GetStats();
        Assert.Equal(0, stats.BytesInUse);
        Assert.Equal(stats.Allocations, stats.Frees);
    }

    [Fact]
    public void A_single_threaded_arena_works_without_locks()
    {
        using var arena = new ArenaHeap<SingleSpec>();
        var blocks = new List<nint>();
        for (var i = 0; i < 5000; i++)
        {
            blocks.Add((nint)arena.Alloc((nuint)(i % 9000)));
        }

        foreach (var block in blocks)
        {
            arena.Free((void*)block);
        }

        Assert.Equal(0, arena.GetStats().BytesInUse);
    }
}
