using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Heapsmith;

namespace QuickStart;

// A ten-minute tour of Heapsmith: the size classes the generator planned, the whole API on one
// heap, a working set that grows, is freed and is trimmed back to the OS (watch it with strace:
// docs/under-the-hood.md), an arena released whole, and a quick timing beside glibc's malloc.
internal static unsafe class Program
{
    private static int Main(string[] args)
    {
        var backend = "mmap";
        var observeSeconds = 0;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--backend" && i + 1 < args.Length)
            {
                backend = args[++i].ToLowerInvariant();
            }
            else if (args[i] == "--observe" && i + 1 < args.Length && int.TryParse(args[i + 1], out observeSeconds) && observeSeconds > 0)
            {
                i++;
            }
            else
            {
                Console.Error.WriteLine("usage: QuickStart [--backend mmap|brk|nativememory|glibc] [--observe SECONDS]");
                return 2;
            }
        }

        if (observeSeconds > 0)
        {
            Observe.Run(observeSeconds);
            return 0;
        }

        if (TourHeap.For(backend) is not { } heap)
        {
            Console.Error.WriteLine($"unknown backend '{backend}': use mmap, brk, nativememory or glibc");
            return 2;
        }

        SizeClasses();
        WholeApi();
        WorkingSet(heap);
        StatsTable();
        SpanAndMemory.ReadFile(typeof(Program).Assembly.Location).GetAwaiter().GetResult();
        Arena();
        Limit();
        QuickTiming();
        return 0;
    }

    private static void SizeClasses()
    {
        Console.WriteLine($"== GameHeap: {GameHeap.SizeClassCount} size classes up to {GameHeap.MaxSmallSize} bytes, planned at compile time");
        var line = "  ";
        nuint previous = 0;
        for (nuint size = 1; size <= GameHeap.MaxSmallSize; size++)
        {
            var block = GameHeap.GoodSize(size);
            if (block != previous)
            {
                line += $"{block} ";
                previous = block;
                if (line.Length > 90)
                {
                    Console.WriteLine(line.TrimEnd());
                    line = "  ";
                }
            }
        }

        Console.WriteLine(line.TrimEnd());
        Console.WriteLine($"  a request of 100 bytes gets a {GameHeap.GoodSize(100)}-byte block; 20000 bytes (large) gets {GameHeap.GoodSize(20000)}");
    }

    private static void WholeApi()
    {
        Console.WriteLine("== The API on GameHeap");
        var text = (byte*)GameHeap.Alloc(100);
        var message = "hello from a generated heap"u8;
        message.CopyTo(new Span<byte>(text, message.Length));
        Console.WriteLine($"  Alloc(100)          -> usable {GameHeap.UsableSize(text)} bytes, owned: {GameHeap.Owns(text)}");

        text = (byte*)GameHeap.Realloc(text, 5000);
        Console.WriteLine($"  Realloc(p, 5000)    -> usable {GameHeap.UsableSize(text)}, contents kept: \"{System.Text.Encoding.UTF8.GetString(text, message.Length)}\"");
        GameHeap.Free(text);

        var zeroed = (long*)GameHeap.AllocZeroed(64, sizeof(long));
        var sum = 0L;
        for (var i = 0; i < 64; i++)
        {
            sum += zeroed[i];
        }

        Console.WriteLine($"  AllocZeroed(64, 8)  -> sum of elements {sum}");
        GameHeap.Free(zeroed, 64 * sizeof(long));

        var aligned = GameHeap.AlignedAlloc(300, 4096);
        Console.WriteLine($"  AlignedAlloc(300, 4096) -> address % 4096 = {(nuint)aligned % 4096}");
        GameHeap.Free(aligned);

        var points = GameHeap.Alloc<Point>(10);
        points[9] = new Point(3, 4);
        Console.WriteLine($"  Alloc<Point>(10)    -> points[9] = ({points[9].X}, {points[9].Y}), {GameHeap.UsableSize(points)} bytes");
        GameHeap.Free(points);

        var refused = GameHeap.TryAlloc(nuint.MaxValue / 2);
        Console.WriteLine($"  TryAlloc(2^63)      -> {(refused == null ? "null: the OS refused, the heap is intact" : "a block?!")}");
        GameHeap.Free(refused); // null is a no-op; the analyzer (HEAP003) wants every TryAlloc path closed
        var stackByte = 0;
        Console.WriteLine($"  Owns(&local)        -> {GameHeap.Owns(&stackByte)}");
    }

    private static void WorkingSet(TourHeap heap)
    {
        const int Blocks = 200_000;
        Console.WriteLine($"== A working set on {heap.Name}");
        PrintStats("start", heap.GetStats());

        var blocks = (byte**)NativeMemory.Alloc(Blocks, (nuint)sizeof(byte*));
        var random = new Random(42);
        for (var i = 0; i < Blocks; i++)
        {
            var size = (nuint)random.Next(16, 1024);
            blocks[i] = (byte*)heap.Alloc(size);
            blocks[i][0] = (byte)i; // touch it: resident memory, not just address space
        }

        PrintStats($"{Blocks:N0} blocks of 16..1024 bytes", heap.GetStats());
        for (var i = 0; i < Blocks; i++)
        {
            heap.Free(blocks[i]);
        }

        NativeMemory.Free(blocks);
        PrintStats("all freed", heap.GetStats());
        heap.Trim();
        PrintStats("after Trim()", heap.GetStats());
    }

    private static void StatsTable()
    {
        Console.WriteLine("== GameHeap.WriteStats(Console.Out): 5,000 blocks of 16..1024 bytes, 20 large, 2 huge");
        var blocks = new nint[5_022];
        var random = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            blocks[i] = (nint)GameHeap.Alloc((nuint)random.Next(16, 1024));
        }

        for (var i = 5_000; i < 5_020; i++)
        {
            blocks[i] = (nint)GameHeap.Alloc(100_000);
        }

        blocks[5_020] = (nint)GameHeap.Alloc(3 << 20);
        blocks[5_021] = (nint)GameHeap.Alloc(5 << 20);
        GameHeap.WriteStats(Console.Out);
        foreach (var block in blocks)
        {
            GameHeap.Free((void*)block);
        }
    }

    private static void Arena()
    {
        Console.WriteLine("== An arena: FrameArena (ThreadSafe = false)");
        var arena = new FrameArena();
        for (var i = 0; i < 10_000; i++)
        {
            var p = (int*)arena.Alloc((nuint)(16 + (i % 200)));
            *p = i; // never freed one by one
        }

        PrintStats("10,000 blocks, none freed", arena.GetStats());
        arena.Dispose();
        Console.WriteLine("  Dispose(): every segment returned to the OS at once");
        try
        {
            arena.Alloc(16);
        }
        catch (ObjectDisposedException)
        {
            Console.WriteLine("  Alloc after Dispose() -> ObjectDisposedException");
        }
    }

    private static void Limit()
    {
        Console.WriteLine("== A memory limit: FrameArena.SetMemoryLimit(8 MiB), then 1 MiB blocks until it refuses");
        using var arena = new FrameArena();
        arena.SetMemoryLimit(8 << 20);
        var blocks = new System.Collections.Generic.List<nint>();
        void* block;
        while ((block = arena.TryAlloc(1 << 20)) != null)
        {
            blocks.Add((nint)block);
        }

        var stats = arena.GetStats();
        Console.WriteLine($"  TryAlloc(1 MiB) gave {blocks.Count} blocks, then null; committed {Kib(stats.BytesCommitted)} KiB of the {Kib(stats.MemoryLimit)} KiB limit");
        try
        {
            arena.Alloc(3 << 20);
        }
        catch (OutOfMemoryException e)
        {
            Console.WriteLine($"  Alloc(3 MiB) -> OutOfMemoryException: {e.Message}");
        }

        foreach (var b in blocks)
        {
            arena.Free((void*)b);
        }

        arena.Trim();
        var trimmed = arena.GetStats().BytesCommitted;
        var again = arena.TryAlloc(3 << 20);
        Console.WriteLine($"  after freeing them and Trim(): committed {Kib(trimmed)} KiB; TryAlloc(3 MiB) {(again != null ? "succeeds" : "fails")}");
    }

    private static void QuickTiming()
    {
        const int Pairs = 2_000_000;
        Console.WriteLine($"== Quick timing: {Pairs:N0} alloc+free pairs of 64 bytes (an indication only; see docs/benchmarks.md)");
        for (var round = 0; round < 2; round++)
        {
            // Round 0 warms up both (JIT, first pages); round 1 is the one printed.
            var heap = Stopwatch.StartNew();
            for (var i = 0; i < Pairs; i++)
            {
                GameHeap.Free(GameHeap.Alloc(64));
            }

            heap.Stop();
            var malloc = Stopwatch.StartNew();
            for (var i = 0; i < Pairs; i++)
            {
                NativeMemory.Free(NativeMemory.Alloc(64));
            }

            malloc.Stop();
            if (round == 1)
            {
                var heapNs = heap.Elapsed.TotalNanoseconds / Pairs;
                var mallocNs = malloc.Elapsed.TotalNanoseconds / Pairs;
                Console.WriteLine($"  GameHeap {heapNs:F1} ns/pair, NativeMemory (glibc malloc) {mallocNs:F1} ns/pair: ratio {heapNs / mallocNs:F2}");
            }
        }
    }

    private static void PrintStats(string when, HeapStats stats) =>
        Console.WriteLine(
            $"  {when,-28} in use {Kib(stats.BytesInUse),9} KiB  committed {Kib(stats.BytesCommitted),9} KiB  " +
            $"reserved {Kib(stats.BytesReserved),9} KiB  purged {Kib(stats.BytesPurged),9} KiB  process RSS {Kib(Environment.WorkingSet),9} KiB");

    private static long Kib(long bytes) => bytes / 1024;

    private readonly record struct Point(int X, int Y);
}
