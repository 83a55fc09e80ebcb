using System;
using System.Diagnostics;
using System.Threading;

namespace QuickStart;

// `--observe SECONDS`: a workload to watch from outside, with
//   dotnet-counters monitor --counters Heapsmith -n QuickStart
// (docs/observability.md). GameHeap's working set rises and falls; two FrameArenas (one class,
// two instances: told apart by their heapsmith.heap.id tag) fill up, and one is capped with
// SetMemoryLimit, so heapsmith.memory.limit shows too.
internal static unsafe class Observe
{
    public static void Run(int seconds)
    {
        Console.WriteLine($"== Observing for {seconds} s: dotnet-counters monitor --counters Heapsmith -n QuickStart");
        const int Slots = 50_000;
        var blocks = new nint[Slots];
        var random = new Random(1);
        using var first = new FrameArena();
        using var second = new FrameArena();
        second.SetMemoryLimit(16 << 20);
        var clock = Stopwatch.StartNew();
        var tick = 0;
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            // A working set that breathes: for a second it grows, for the next it shrinks.
            var growing = (tick / 10) % 2 == 0;
            for (var i = 0; i < 5_000; i++)
            {
                var slot = random.Next(Slots);
                if (blocks[slot] != 0 && (!growing || random.Next(4) == 0))
                {
                    GameHeap.Free((void*)blocks[slot]);
                    blocks[slot] = 0;
                }
                else if (blocks[slot] == 0 && growing)
                {
                    blocks[slot] = (nint)GameHeap.Alloc((nuint)random.Next(16, 2048));
                }
            }

            first.Alloc((nuint)random.Next(16, 512));
            second.TryAlloc(100_000); // null once the 16 MiB cap is reached
            Thread.Sleep(100);
            tick++;
        }

        foreach (var block in blocks)
        {
            GameHeap.Free((void*)block);
        }

        GameHeap.WriteStats(Console.Out);
    }
}
