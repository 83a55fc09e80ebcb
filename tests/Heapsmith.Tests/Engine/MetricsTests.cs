using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Linq;
using MetricsSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.MetricsSpecParameters>;

namespace Heapsmith.Tests.Engine;

/// <summary>
/// A collection reads GetStats of every live heap in the process, which would change what other
/// tests' heaps see (it abandons heaps of ended threads): these tests run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics";
}

/// <summary>The "Heapsmith" Meter, read through a MeterListener as dotnet-counters and OpenTelemetry read it.</summary>
[Collection(MetricsCollection.Name)]
public unsafe class MetricsTests
{
    private static readonly string[] Instruments =
    [
        "heapsmith.memory.in_use", "heapsmith.memory.committed", "heapsmith.memory.reserved", "heapsmith.memory.limit",
        "heapsmith.memory.purged", "heapsmith.blocks.in_use", "heapsmith.allocations", "heapsmith.frees",
    ];

    /// <summary>Listens to the Heapsmith meter; <see cref="Collect"/> returns each instrument's value per heap id.</summary>
    private sealed class Recorder : System.IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, string? Unit, long Value, string? Name, long Id)> _values = [];

        public Recorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Heapsmith")
                {
                    listener.EnableMeasurementEvents(instrument);
                    Published.Add((instrument.Name, instrument.Unit, instrument.GetType().GetGenericTypeDefinition().Name));
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
            {
                string? name = null;
                long id = 0;
                foreach (var tag in tags)
                {
                    if (tag.Key == "heapsmith.heap.name")
                    {
                        name = (string?)tag.Value;
                    }
                    else if (tag.Key == "heapsmith.heap.id")
                    {
                        id = (long)tag.Value!;
                    }
                }

                _values.Add((instrument.Name, instrument.Unit, value, name, id));
            });
            _listener.Start();
        }

        public List<(string Name, string? Unit, string Kind)> Published { get; } = [];

        /// <summary>One collection: instrument name → value, for the heap of spec <typeparamref name="TSpec"/> with id <paramref name="id"/>.</summary>
        public Dictionary<string, long> Collect<TSpec>(long id)
            where TSpec : struct, IHeapSpec
        {
            _values.Clear();
            _listener.RecordObservableInstruments();
            return _values.Where(v => v.Name == TSpec.Name && v.Id == id).ToDictionary(v => v.Instrument, v => v.Value);
        }

        /// <summary>The heap ids a collection reports for heaps named <paramref name="name"/>.</summary>
        public List<long> IdsOf(string name)
        {
            _values.Clear();
            _listener.RecordObservableInstruments();
            return _values.Where(v => v.Name == name && v.Instrument == "heapsmith.allocations").Select(v => v.Id).ToList();
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public void Instruments_follow_the_dotnet_naming_conventions()
    {
        using var arena = new ArenaHeap<MetricsSpec>();
        using var recorder = new Recorder();
        Assert.Equal(Instruments.Order(), recorder.Published.Select(p => p.Name).Order());
        foreach (var (name, unit, kind) in recorder.Published)
        {
            Assert.Matches("^heapsmith(\\.[a-z_]+)+$", name);
            Assert.Equal(name.StartsWith("heapsmith.memory.", System.StringComparison.Ordinal) ? "By" : "{block}", unit);
            var cumulative = name is "heapsmith.allocations" or "heapsmith.frees" or "heapsmith.memory.purged";
            Assert.Equal(cumulative ? "ObservableCounter`1" : "ObservableUpDownCounter`1", kind);
        }
    }

    [Fact]
    public void Each_collection_reports_the_heaps_current_counters()
    {
        using var arena = new ArenaHeap<MetricsSpec>();
        using var recorder = new Recorder();
        var blocks = new List<nint>();
        for (var i = 0; i < 1000; i++)
        {
            blocks.Add((nint)arena.Alloc(100));
        }

        blocks.Add((nint)arena.Alloc(100_000));
        blocks.Add((nint)arena.Alloc(5 << 20));
        for (var i = 0; i < 300; i++)
        {
            arena.Free((void*)blocks[i]);
        }

        var id = arena.Core.Id;
        var values = recorder.Collect<MetricsSpec>(id);
        var stats = arena.GetStats();
        Assert.Equal(1002, values["heapsmith.allocations"]);
        Assert.Equal(300, values["heapsmith.frees"]);
        Assert.Equal(702, values["heapsmith.blocks.in_use"]);
        Assert.Equal(stats.BytesInUse, values["heapsmith.memory.in_use"]);
        Assert.Equal((700 * 112) + 102_400 + (5 << 20), values["heapsmith.memory.in_use"]);
        Assert.Equal(stats.BytesCommitted, values["heapsmith.memory.committed"]);
        Assert.Equal(stats.BytesReserved, values["heapsmith.memory.reserved"]);
        Assert.Equal(stats.BytesPurged, values["heapsmith.memory.purged"]);
        Assert.False(values.ContainsKey("heapsmith.memory.limit"), "no limit, no measurement");

        // The next collection sees what changed since, and the limit once there is one.
        arena.Free((void*)blocks[^1]);
        arena.SetMemoryLimit(64 << 20);
        values = recorder.Collect<MetricsSpec>(id);
        Assert.Equal(301, values["heapsmith.frees"]);
        Assert.Equal((700 * 112) + 102_400, values["heapsmith.memory.in_use"]);
        Assert.Equal(64 << 20, values["heapsmith.memory.limit"]);
    }

    [Fact]
    public void Arenas_of_one_class_are_told_apart_and_a_disposed_one_is_dropped()
    {
        using var recorder = new Recorder();
        var a = new ArenaHeap<MetricsSpec>();
        using var b = new ArenaHeap<MetricsSpec>();
        a.Alloc(100);
        b.Alloc(100);
        b.Alloc(100);

        var ids = recorder.IdsOf(MetricsSpec.Name);
        Assert.Contains(a.Core.Id, ids);
        Assert.Contains(b.Core.Id, ids);
        Assert.Equal(1, recorder.Collect<MetricsSpec>(a.Core.Id)["heapsmith.allocations"]);
        Assert.Equal(2, recorder.Collect<MetricsSpec>(b.Core.Id)["heapsmith.allocations"]);

        a.Dispose();
        ids = recorder.IdsOf(MetricsSpec.Name);
        Assert.DoesNotContain(a.Core.Id, ids);
        Assert.Contains(b.Core.Id, ids);
    }

    [Fact]
    public void A_static_heap_reports_under_its_name()
    {
        using var recorder = new Recorder();
        var block = StaticHeap<MetricsSpec>.Alloc(64);
        var ids = recorder.IdsOf(MetricsSpec.Name);
        Assert.Contains(StaticHeap<MetricsSpec>.Core.Id, ids);
        Assert.True(recorder.Collect<MetricsSpec>(StaticHeap<MetricsSpec>.Core.Id)["heapsmith.blocks.in_use"] >= 1);
        StaticHeap<MetricsSpec>.Free(block);
    }
}
