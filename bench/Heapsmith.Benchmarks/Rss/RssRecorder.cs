using System.Collections.Generic;

namespace Heapsmith.Benchmarks.Rss;

// The RSS figures of one case in one process: a baseline taken after warm-up, then named phases
// and the peak, all as bytes above the baseline (so the runtime's own footprint, equal for every
// allocator, does not dilute the ratios).

/// <summary>Collects the resident-memory phases of one RSS case.</summary>
internal sealed class RssRecorder
{
    private readonly List<KeyValuePair<string, long>> _phases = [];

    public long BaselineBytes { get; private set; }

    public long PeakAboveBaselineBytes { get; private set; }

    public bool PeakReset { get; private set; }

    public IReadOnlyList<KeyValuePair<string, long>> Phases => _phases;

    /// <summary>Takes the baseline and restarts the peak measurement.</summary>
    public void Start()
    {
        PeakReset = RssProbe.ResetPeak();
        BaselineBytes = RssProbe.CurrentBytes();
    }

    /// <summary>Records the RSS above the baseline under <paramref name="phase"/>.</summary>
    public void Record(string phase) => _phases.Add(new(phase, RssProbe.CurrentBytes() - BaselineBytes));

    /// <summary>Reads the peak since <see cref="Start"/>.</summary>
    public void Finish() => PeakAboveBaselineBytes = RssProbe.PeakBytes() - BaselineBytes;
}
