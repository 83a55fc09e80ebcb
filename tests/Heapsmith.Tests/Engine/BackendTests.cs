using System;
using System.Collections.Generic;
using Heapsmith.Os;
using BrkSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.BrkSpecParameters>;
using MmapSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.MmapSpecParameters>;

namespace Heapsmith.Tests.Engine;

// The engine on each OS backend: the same workload (every block kind, realloc, purge, Trim, arena
// release) must behave identically whatever gives the address space. A backend this build or OS
// does not provide is not run.
public unsafe class BackendTests
{
    [Fact]
    public void The_engine_runs_on_mmap() => RunOn<MmapSpec>();

    [Fact]
    public void The_engine_runs_on_brk() => RunOn<BrkSpec>();

    private static bool Available(HeapBackend backend)
    {
        try
        {
            return OsMemory.IsSupported(backend);
        }
        catch (PlatformNotSupportedException)
        {
            return false;
        }
    }

    private static void RunOn<TSpec>()
        where TSpec : struct, IHeapSpec
    {
        if (!Available(TSpec.Backend))
        {
            return;
        }

        using (var arena = new ArenaHeap<TSpec>())
        {
            Workload(arena);
            arena.Trim();
            var stats = arena.GetStats();
            Assert.Equal(0, stats.BytesInUse);
            Assert.Equal(1L << TSpec.SegmentShift, stats.BytesReserved);
            Assert.True(stats.BytesPurged > 0);
        }

        // The static heap: blocks of every kind, then everything back.
        var blocks = new List<(nint Block, int Size)>();
        foreach (var size in new[] { 0, 24, 4000, 16384, 70_000, 1 << 20, 5 << 20 })
        {
            var block = (byte*)StaticHeap<TSpec>.AllocZeroed((nuint)size, 1);
            Assert.True(new Span<byte>(block, size).IndexOfAnyExcept((byte)0) < 0);
            new Span<byte>(block, size).Fill(0x77);
            blocks.Add(((nint)block, size));
        }

        foreach (var (block, size) in blocks)
        {
            Assert.True(new Span<byte>((void*)block, size).IndexOfAnyExcept((byte)0x77) < 0);
            StaticHeap<TSpec>.Free((void*)block);
        }
    }

    private static void Workload<TSpec>(ArenaHeap<TSpec> arena)
        where TSpec : struct, IHeapSpec
    {
        var random = new Random(7);
        var live = new List<(nint Block, int Size, byte Fill)>();
        for (var i = 0; i < 4000; i++)
        {
            if (live.Count > 0 && random.Next(3) == 0)
            {
                var index = random.Next(live.Count);
                var (block, size, fill) = live[index];
                Assert.True(new Span<byte>((void*)block, size).IndexOfAnyExcept(fill) < 0, "contents lost");
                if (random.Next(2) == 0)
                {
                    arena.Free((void*)block);
                    live[index] = live[^1];
                    live.RemoveAt(live.Count - 1);
                }
                else
                {
                    var newSize = random.Next(0, 300_000);
                    var moved = (byte*)arena.Realloc((void*)block, (nuint)newSize);
                    Assert.True(new Span<byte>(moved, Math.Min(size, newSize)).IndexOfAnyExcept(fill) < 0, "realloc lost contents");
                    new Span<byte>(moved, newSize).Fill(fill);
                    live[index] = ((nint)moved, newSize, fill);
                }
            }
            else
            {
                var size = random.Next(20) == 0 ? random.Next(16385, 3_000_000) : random.Next(0, 4096);
                var fill = (byte)random.Next(1, 255);
                var block = (byte*)arena.Alloc((nuint)size);
                new Span<byte>(block, size).Fill(fill);
                live.Add(((nint)block, size, fill));
            }
        }

        foreach (var (block, size, fill) in live)
        {
            Assert.True(new Span<byte>((void*)block, size).IndexOfAnyExcept(fill) < 0, "contents lost");
            arena.Free((void*)block);
        }
    }
}
