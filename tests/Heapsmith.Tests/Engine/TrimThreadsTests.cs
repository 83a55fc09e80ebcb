using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Heapsmith.Os;
using RaceSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.TrimRaceSpecParameters>;
using TrimSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.TrimThreadsSpecParameters>;

namespace Heapsmith.Tests.Engine;

// Trim on one thread takes the free pages of other, live threads' heaps (HeapCore.TrimThreads.cs):
// the current page an idle thread keeps per size class, and pages whose blocks other threads
// freed. The race tests run Trim in a loop against owners that allocate and free at full speed
// and check every block's contents, so a page taken from under an owner shows as corruption.
public unsafe class TrimThreadsTests
{
    [Fact]
    public void Trim_takes_the_current_pages_an_idle_thread_keeps_and_the_kernel_sees_them_go()
    {
        var blocks = new nint[TrimSpec.SizeClassCount];
        using var idle = new IdleThread(() =>
        {
            // One block per class: each class gets a current page, touched, then emptied. The
            // owner keeps an emptied current page (so an alloc+free loop stays on the fast path).
            for (var c = 0; c < blocks.Length; c++)
            {
                var size = TrimSpec.BlockSize(c);
                var block = (byte*)StaticHeap<TrimSpec>.Alloc((nuint)size);
                new Span<byte>(block, size).Fill(0x5A);
                blocks[c] = (nint)block;
                StaticHeap<TrimSpec>.Free(block);
            }
        });

        Assert.Equal(TrimSpec.SizeClassCount, StaticHeap<TrimSpec>.Core.SmallPageCount());
        if (OperatingSystem.IsLinux())
        {
            Assert.All(blocks, b => Assert.True(ProcessMemory.IsResident((void*)b, 1), "touched before Trim"));
        }

        StaticHeap<TrimSpec>.Trim();

        Assert.Equal(0, StaticHeap<TrimSpec>.Core.SmallPageCount());
        if (OperatingSystem.IsLinux())
        {
            Assert.All(blocks, b => Assert.Equal((nuint)0, ProcessMemory.ResidentPageCount((void*)b, 1)));
        }

        // The idle thread still allocates correctly afterwards: its direct entries were reset.
        idle.Run(() =>
        {
            for (var c = 0; c < blocks.Length; c++)
            {
                var size = TrimSpec.BlockSize(c);
                var block = (byte*)StaticHeap<TrimSpec>.Alloc((nuint)size);
                new Span<byte>(block, size).Fill(0x33);
                Assert.Equal((byte)0x33, block[size - 1]);
                StaticHeap<TrimSpec>.Free(block);
            }
        });
    }

    [Fact]
    public void Trim_takes_pages_of_an_idle_producer_whose_blocks_other_threads_freed()
    {
        var blocks = new nint[5_000];
        using var producer = new IdleThread(() =>
        {
            for (var i = 0; i < blocks.Length; i++)
            {
                blocks[i] = (nint)StaticHeap<TrimSpec>.Alloc(48);
            }
        });

        // The test thread frees them: cross-thread frees onto the producer's pages.
        var pagesWithBlocks = StaticHeap<TrimSpec>.Core.SmallPageCount();
        Assert.True(pagesWithBlocks > 1, $"the producer filled several pages ({pagesWithBlocks})");
        foreach (var block in blocks)
        {
            StaticHeap<TrimSpec>.Free((void*)block);
        }

        Assert.Equal(pagesWithBlocks, StaticHeap<TrimSpec>.Core.SmallPageCount());
        StaticHeap<TrimSpec>.Trim();
        Assert.Equal(0, StaticHeap<TrimSpec>.Core.SmallPageCount());
        Assert.Equal(0, StaticHeap<TrimSpec>.GetStats().BytesInUse);

        // A page with one block still in use stays.
        nint kept = 0;
        producer.Run(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                blocks[i] = (nint)StaticHeap<TrimSpec>.Alloc(48);
            }
        });
        kept = blocks[99];
        for (var i = 0; i < 99; i++)
        {
            StaticHeap<TrimSpec>.Free((void*)blocks[i]);
        }

        StaticHeap<TrimSpec>.Trim();
        Assert.Equal(1, StaticHeap<TrimSpec>.Core.SmallPageCount());
        *(long*)kept = 42;
        StaticHeap<TrimSpec>.Free((void*)kept);
        StaticHeap<TrimSpec>.Trim();
        Assert.Equal(0, StaticHeap<TrimSpec>.Core.SmallPageCount());
    }

    [Fact]
    public void Trim_racing_owners_that_allocate_and_free_never_takes_a_page_in_use()
    {
        var failures = new ConcurrentQueue<string>();
        var handoff = new ConcurrentQueue<(nint Block, int Size, byte Fill)>();
        using var stop = new CancellationTokenSource();
        var workers = new List<Thread>();
        for (var t = 0; t < 2; t++)
        {
            var seed = t;
            workers.Add(new Thread(() => Work(seed, stop.Token, handoff, failures)));
        }

        // A third thread only trims; the workers trim too, now and then.
        workers.Add(new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                StaticHeap<RaceSpec>.Trim();
                Thread.Yield();
            }
        }));

        foreach (var worker in workers)
        {
            worker.Start();
        }

        Thread.Sleep(1500);
        stop.Cancel();
        foreach (var worker in workers)
        {
            worker.Join();
        }

        Assert.Empty(failures);
        while (handoff.TryDequeue(out var item))
        {
            Check(item, failures);
            StaticHeap<RaceSpec>.Free((void*)item.Block);
        }

        Assert.Empty(failures);
        StaticHeap<RaceSpec>.Trim();
        var stats = StaticHeap<RaceSpec>.GetStats();
        Assert.Equal(0, stats.BytesInUse);
        Assert.Equal(stats.Allocations, stats.Frees);
        Assert.Equal(0, StaticHeap<RaceSpec>.Core.SmallPageCount());
    }

    private static void Work(int seed, CancellationToken stop, ConcurrentQueue<(nint Block, int Size, byte Fill)> handoff, ConcurrentQueue<string> failures)
    {
        var random = new Random(seed);
        var own = new List<(nint Block, int Size, byte Fill)>();
        var round = 0;
        while (!stop.IsCancellationRequested)
        {
            round++;

            // Bursts that empty pages completely (so the owner keeps emptied current pages that a
            // trimmer may revoke), with blocks handed to the other worker to free.
            var burst = random.Next(1, 300);
            for (var i = 0; i < burst; i++)
            {
                var size = random.Next(1, 3000);
                var block = (byte*)StaticHeap<RaceSpec>.Alloc((nuint)size);
                var fill = (byte)random.Next(1, 255);
                new Span<byte>(block, size).Fill(fill);
                own.Add(((nint)block, size, fill));
            }

            for (var i = own.Count - 1; i >= 0; i--)
            {
                var item = own[i];
                if (random.Next(4) == 0)
                {
                    handoff.Enqueue(item);
                }
                else
                {
                    Check(item, failures);
                    StaticHeap<RaceSpec>.Free((void*)item.Block);
                }
            }

            own.Clear();
            for (var i = 0; i < 64 && handoff.TryDequeue(out var item); i++)
            {
                Check(item, failures);
                StaticHeap<RaceSpec>.Free((void*)item.Block);
            }

            if (round % 97 == 0)
            {
                StaticHeap<RaceSpec>.Trim();
            }
        }
    }

    private static void Check((nint Block, int Size, byte Fill) item, ConcurrentQueue<string> failures)
    {
        var span = new Span<byte>((void*)item.Block, item.Size);
        var bad = span.IndexOfAnyExcept(item.Fill);
        if (bad >= 0)
        {
            failures.Enqueue($"block 0x{item.Block:x} of {item.Size} B: byte {bad} is 0x{span[bad]:x2}, not 0x{item.Fill:x2}");
        }
    }

    /// <summary>A live thread that runs what it is given, then waits (idle, not ended) for more.</summary>
    private sealed class IdleThread : IDisposable
    {
        private readonly BlockingCollection<(Action Work, ManualResetEventSlim Done)> _work = new();
        private readonly Thread _thread;
        private Exception? _failure;

        public IdleThread(Action first)
        {
            _thread = new Thread(Loop) { IsBackground = true };
            _thread.Start();
            Run(first);
        }

        public void Run(Action work)
        {
            using var done = new ManualResetEventSlim();
            _work.Add((work, done));
            done.Wait();
            if (_failure is { } failure)
            {
                throw new InvalidOperationException("the idle thread's work failed", failure);
            }
        }

        public void Dispose()
        {
            _work.CompleteAdding();
            _thread.Join();
            _work.Dispose();
        }

        private void Loop()
        {
            foreach (var (work, done) in _work.GetConsumingEnumerable())
            {
                try
                {
                    work();
                }
                catch (Exception e)
                {
                    _failure = e;
                }

                done.Set();
            }
        }
    }
}
