using System;
using System.Collections.Generic;
using System.Threading;
using Heapsmith.Engine;
using Heapsmith.Os;
using Spec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.ArenaThreadsSpecParameters>;

namespace Heapsmith.Tests.Engine;

// A thread-safe arena gives each thread its own thread heap (ArenaThreadHeaps), as the static heap
// does: no lock on the fast paths, frees from other threads by CAS, heaps of ended threads
// abandoned and adopted, everything unmapped by Dispose whichever thread allocated it.
public unsafe class ArenaThreadTests
{
    [Fact]
    public void Each_thread_allocates_from_its_own_pages_of_the_arena()
    {
        using var arena = new ArenaHeap<Spec>();
        var mine = (byte*)arena.Alloc(64);
        byte* theirs = null;
        RunOnThread(() => theirs = (byte*)arena.Alloc(64));

        var myPage = SegmentLayout<Spec>.PageOf(mine);
        var theirPage = SegmentLayout<Spec>.PageOf(theirs);
        Assert.True(myPage != theirPage, "two threads, two pages of the same class");
        Assert.True(myPage->Heap != null && theirPage->Heap != null && myPage->Heap != theirPage->Heap);
        Assert.Equal(2, arena.Core.RegisteredHeaps);

        // A free from the wrong thread goes to the page's thread-free list and is counted.
        arena.Free(theirs);
        arena.Free(mine);
        var stats = arena.GetStats();
        Assert.Equal(stats.Allocations, stats.Frees);
        Assert.Equal(0, stats.BytesInUse);
    }

    [Fact]
    public void Heaps_of_ended_threads_are_abandoned_and_Trim_gives_their_pages_back()
    {
        using var arena = new ArenaHeap<Spec>();
        var blocks = new List<nint>();
        for (var t = 0; t < 3; t++)
        {
            RunOnThread(() =>
            {
                for (var i = 0; i < 3000; i++)
                {
                    var block = (byte*)arena.Alloc((nuint)(16 + (i % 500)));
                    *block = 0x5A;
                    blocks.Add((nint)block);
                }
            });
        }

        Assert.Equal(0, arena.GetStats().Frees);
        foreach (var block in blocks)
        {
            Assert.Equal(0x5A, *(byte*)block);
            arena.Free((void*)block);
        }

        arena.Trim();
        var stats = arena.GetStats();
        Assert.Equal(0, stats.BytesInUse);
        Assert.Equal(stats.Allocations, stats.Frees);
        Assert.Equal(0, arena.Core.SmallPageCount());
        Assert.Equal(0, arena.Core.RegisteredHeaps);
    }

    [Fact]
    public void Trim_takes_the_empty_pages_an_idle_thread_keeps_in_the_arena()
    {
        using var arena = new ArenaHeap<Spec>();
        using var ready = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var idle = new Thread(() =>
        {
            for (var c = 0; c < Spec.SizeClassCount; c++)
            {
                arena.Free(arena.Alloc((nuint)Spec.BlockSize(c)));
            }

            ready.Set();
            release.Wait();
        });
        idle.Start();
        ready.Wait();

        Assert.Equal(Spec.SizeClassCount, arena.Core.SmallPageCount());
        arena.Trim();
        Assert.Equal(0, arena.Core.SmallPageCount());
        release.Set();
        idle.Join();
    }

    [Fact]
    public void Dispose_unmaps_the_pages_of_every_thread()
    {
        var arena = new ArenaHeap<Spec>();
        var mine = (byte*)arena.Alloc(100);
        byte* theirs = null;
        RunOnThread(() =>
        {
            theirs = (byte*)arena.Alloc(100);
            *theirs = 1;
        });
        *mine = 1;

        arena.Dispose();
        Assert.True(SegmentLayout<Spec>.PageOf(mine) == null && SegmentLayout<Spec>.PageOf(theirs) == null);
        if (OperatingSystem.IsLinux())
        {
            Assert.False(ProcessMemory.IsMapped(mine, 1));
            Assert.False(ProcessMemory.IsMapped(theirs, 1));
        }

        Assert.Throws<ObjectDisposedException>(() => arena.Alloc(100));
    }

    [Fact]
    public void A_thread_that_switches_between_arenas_gets_each_arenas_own_blocks()
    {
        using var a = new ArenaHeap<Spec>();
        using var b = new ArenaHeap<Spec>();
        var blocks = new List<(nint Block, bool FromA)>();
        for (var i = 0; i < 2000; i++)
        {
            var fromA = i % 3 != 0;
            var block = fromA ? a.Alloc(48) : b.Alloc(48);
            blocks.Add(((nint)block, fromA));
        }

        foreach (var (block, fromA) in blocks)
        {
            Assert.True(fromA ? a.Owns((void*)block) && !b.Owns((void*)block) : b.Owns((void*)block) && !a.Owns((void*)block));
            (fromA ? a : b).Free((void*)block);
        }

        Assert.Equal(0, a.GetStats().BytesInUse);
        Assert.Equal(0, b.GetStats().BytesInUse);
    }

    [Fact]
    public void A_worker_serving_an_arena_per_frame_does_not_accumulate_entries()
    {
        // The worker allocates in each frame's arena, the test thread disposes it: the worker's
        // entry goes stale, and its map must prune entries of released arenas as it grows.
        using var frames = new System.Collections.Concurrent.BlockingCollection<ArenaHeap<Spec>>();
        using var done = new SemaphoreSlim(0);
        var peak = 0;
        var worker = new Thread(() =>
        {
            foreach (var arena in frames.GetConsumingEnumerable())
            {
                arena.Free(arena.Alloc(32));
                peak = Math.Max(peak, ArenaThreadHeaps<Spec>.MapCount);
                done.Release();
            }
        });
        worker.Start();
        for (var frame = 0; frame < 500; frame++)
        {
            var arena = new ArenaHeap<Spec>();
            frames.Add(arena);
            done.Wait();
            arena.Dispose();
        }

        frames.CompleteAdding();
        worker.Join();
        Assert.True(peak <= 16, $"the worker's map stays small: peak {peak} entries");
    }

    [Fact]
    public void Trim_and_frees_from_other_threads_racing_arena_owners_keep_every_block_intact()
    {
        using var arena = new ArenaHeap<Spec>();
        var handoff = new System.Collections.Concurrent.ConcurrentQueue<(nint Block, int Size, byte Fill)>();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        var threads = new List<Thread>();
        for (var t = 0; t < 2; t++)
        {
            var seed = t;
            threads.Add(new Thread(() =>
            {
                // Short-lived workers: each ends after a while and a new one takes its place, so
                // the arena abandons thread heaps while others trim and free into them.
                var random = new Random(seed);
                while (!stop.IsCancellationRequested)
                {
                    RunOnThread(() => ArenaWork(arena, random.Next(), handoff, failures));
                }
            }));
        }

        threads.Add(new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                arena.Trim();
                Thread.Yield();
            }
        }));
        foreach (var thread in threads)
        {
            thread.Start();
        }

        Thread.Sleep(1500);
        stop.Cancel();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        Assert.Empty(failures);
        while (handoff.TryDequeue(out var item))
        {
            CheckFill(item, failures);
            arena.Free((void*)item.Block);
        }

        Assert.Empty(failures);
        arena.Trim();
        var stats = arena.GetStats();
        Assert.Equal(0, stats.BytesInUse);
        Assert.Equal(stats.Allocations, stats.Frees);
        Assert.Equal(0, arena.Core.SmallPageCount());
    }

    private static void ArenaWork(ArenaHeap<Spec> arena, int seed, System.Collections.Concurrent.ConcurrentQueue<(nint Block, int Size, byte Fill)> handoff, System.Collections.Concurrent.ConcurrentQueue<string> failures)
    {
        var random = new Random(seed);
        var own = new List<(nint Block, int Size, byte Fill)>();
        for (var round = 0; round < 40; round++)
        {
            for (var i = random.Next(1, 200); i > 0; i--)
            {
                var size = random.Next(1, 3000);
                var fill = (byte)random.Next(1, 255);
                var block = (byte*)arena.Alloc((nuint)size);
                new Span<byte>(block, size).Fill(fill);
                own.Add(((nint)block, size, fill));
            }

            foreach (var item in own)
            {
                if (random.Next(3) == 0)
                {
                    handoff.Enqueue(item);
                }
                else
                {
                    CheckFill(item, failures);
                    arena.Free((void*)item.Block);
                }
            }

            own.Clear();
            for (var i = 0; i < 64 && handoff.TryDequeue(out var item); i++)
            {
                CheckFill(item, failures);
                arena.Free((void*)item.Block);
            }
        }
    }

    private static void CheckFill((nint Block, int Size, byte Fill) item, System.Collections.Concurrent.ConcurrentQueue<string> failures)
    {
        var bad = new Span<byte>((void*)item.Block, item.Size).IndexOfAnyExcept(item.Fill);
        if (bad >= 0)
        {
            failures.Enqueue($"block 0x{item.Block:x} of {item.Size} B lost its contents at byte {bad}");
        }
    }

    private static void RunOnThread(Action action)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            throw new InvalidOperationException("the thread failed", failure);
        }
    }
}
