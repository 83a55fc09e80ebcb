using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Heapsmith.Engine;

// The "Heapsmith" Meter: observable instruments over every live heap (each static heap and each
// arena not yet disposed), tagged with the heap's name and a per-heap id so two arenas of one
// class are told apart. The fast paths are untouched: allocations and frees are the per-thread
// counts GetStats already sums, and every value is read only when a listener (dotnet-counters,
// OpenTelemetry, a MeterListener) collects. Without a listener nothing runs beyond adding a weak
// reference to a list when a heap is created.
//
// One collection reads several instruments of the same heap: the first of them takes a GetStats
// snapshot and the rest reuse it. An instrument that finds it has already read the current
// snapshot (the next collection) takes a new one, so values are never older than the collection
// that reports them, whichever instruments a listener enables.
//
// Lock order: s_lock, then a heap core's lock (GetStats). Nothing here runs under a core's lock.

/// <summary>A heap the metrics observe.</summary>
internal interface IObservedHeap
{
    /// <summary>The heap's name (the declaring class's full name).</summary>
    string HeapName { get; }

    /// <summary>The heap's unique id (HeapCore.Id).</summary>
    long Id { get; }

    /// <summary>Whether the heap was released (a disposed arena): no longer observed.</summary>
    bool IsReleased { get; }

    /// <summary>A snapshot of the heap's counters.</summary>
    HeapStats GetStats();
}

/// <summary>The "Heapsmith" Meter and its instruments.</summary>
internal static class HeapMetrics
{
    /// <summary>The Meter's name: what <c>dotnet-counters --counters</c> and OpenTelemetry's <c>AddMeter</c> take.</summary>
    public const string MeterName = "Heapsmith";

    /// <summary>Tag: the heap's name.</summary>
    public const string NameTag = "heapsmith.heap.name";

    /// <summary>Tag: the heap's id, unique among heaps of one name (arenas of one class differ in it; the static heap is 1).</summary>
    public const string IdTag = "heapsmith.heap.id";

    private static readonly object s_lock = new();
    private static readonly List<Entry> s_heaps = [];

    /// <summary>The Meter; its instruments are created with it.</summary>
    public static readonly Meter Meter = CreateMeter();

    /// <summary>Observes <paramref name="heap"/> from now on (weakly: an arena dropped undisposed is let go).</summary>
    public static void Register(IObservedHeap heap)
    {
        var entry = new Entry(heap);
        lock (s_lock)
        {
            s_heaps.Add(entry);
        }
    }

    private static Meter CreateMeter()
    {
        var meter = new Meter(MeterName, typeof(HeapMetrics).Assembly.GetName().Version?.ToString());
        var index = 0;
        meter.CreateObservableUpDownCounter("heapsmith.memory.in_use", Reader(index++, s => s.BytesInUse), "By", "Bytes in live blocks, at their usable size.");
        meter.CreateObservableUpDownCounter("heapsmith.memory.committed", Reader(index++, s => s.BytesCommitted), "By", "Bytes of the heap's address space backed by memory.");
        meter.CreateObservableUpDownCounter("heapsmith.memory.reserved", Reader(index++, s => s.BytesReserved), "By", "Bytes of address space the heap holds from the OS.");
        meter.CreateObservableUpDownCounter("heapsmith.memory.limit", Reader(index++, s => s.MemoryLimit != 0 ? s.MemoryLimit : null), "By", "The heap's cap on committed memory (heaps with a cap only).");
        meter.CreateObservableCounter("heapsmith.memory.purged", Reader(index++, s => s.BytesPurged), "By", "Bytes handed back to the OS by purging since the heap was created.");
        meter.CreateObservableUpDownCounter("heapsmith.blocks.in_use", Reader(index++, s => s.Allocations - s.Frees), "{block}", "Live blocks.");
        meter.CreateObservableCounter("heapsmith.allocations", Reader(index++, s => s.Allocations), "{block}", "Blocks allocated since the heap was created.");
        meter.CreateObservableCounter("heapsmith.frees", Reader(index, s => s.Frees), "{block}", "Blocks freed since the heap was created.");
        return meter;
    }

    /// <summary>The callback of instrument <paramref name="index"/>: one measurement per live heap (none where <paramref name="select"/> gives null).</summary>
    private static Func<IEnumerable<Measurement<long>>> Reader(int index, Func<HeapStats, long?> select) => () =>
    {
        var measurements = new List<Measurement<long>>();
        lock (s_lock)
        {
            for (var i = s_heaps.Count - 1; i >= 0; i--)
            {
                var entry = s_heaps[i];
                if (!entry.Heap.TryGetTarget(out var heap) || heap.IsReleased)
                {
                    s_heaps.RemoveAt(i);
                    continue;
                }

                if (!entry.HasSnapshot || (entry.ReadBy & (1 << index)) != 0)
                {
                    entry.Snapshot = heap.GetStats();
                    entry.HasSnapshot = true;
                    entry.ReadBy = 0;
                }

                entry.ReadBy |= 1 << index;
                if (select(entry.Snapshot) is { } value)
                {
                    measurements.Add(new Measurement<long>(value, entry.Tags));
                }
            }
        }

        return measurements;
    };

    /// <summary>One observed heap, its tags and the snapshot the current collection reads.</summary>
    private sealed class Entry(IObservedHeap heap)
    {
        public WeakReference<IObservedHeap> Heap { get; } = new(heap);

        public KeyValuePair<string, object?>[] Tags { get; } = [new(NameTag, heap.HeapName), new(IdTag, heap.Id)];

        public HeapStats Snapshot { get; set; }

        public bool HasSnapshot { get; set; }

        /// <summary>Instruments (one bit each) that have read <see cref="Snapshot"/>.</summary>
        public int ReadBy { get; set; }
    }
}
