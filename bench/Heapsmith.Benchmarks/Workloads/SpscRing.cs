using System;
using System.Runtime.InteropServices;
using System.Threading;

namespace Heapsmith.Benchmarks.Workloads;

// A bounded single-producer single-consumer queue of block pointers: how a producer thread hands
// blocks to the consumer thread that frees them. Lock-free (one volatile write per side), the two
// counters on separate cache lines, so its own cost is small and equal for every allocator.
// A side that must wait spins briefly, then yields and sleeps (SpinWait's default): a waiting thread
// burns little CPU, which matters because the suite's clock is the process's CPU time and a core
// may be taken away from the other side at any moment on a shared machine.
// Invariants: 0 <= tail - head <= Capacity; only the producer writes tail, only the consumer head.

/// <summary>Single-producer single-consumer ring of pointers.</summary>
internal sealed unsafe class SpscRing : IDisposable
{
    private readonly nint* _slots;
    private readonly long _mask;
    private Counters _counters;

    public SpscRing(int capacity)
    {
        if (capacity <= 0 || (capacity & (capacity - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "a power of two");
        }

        _slots = (nint*)NativeMemory.AllocZeroed((nuint)capacity, (nuint)sizeof(nint));
        _mask = capacity - 1;
    }

    public int Capacity => (int)(_mask + 1);

    /// <summary>Producer side: adds <paramref name="item"/>, spinning while the ring is full.</summary>
    public void Push(nint item)
    {
        var tail = _counters.Tail;
        var spin = default(SpinWait);
        while (tail - Volatile.Read(ref _counters.Head) > _mask)
        {
            spin.SpinOnce();
        }

        _slots[tail & _mask] = item;
        Volatile.Write(ref _counters.Tail, tail + 1);
    }

    /// <summary>Consumer side: takes the oldest item, spinning while the ring is empty.</summary>
    public nint Pop()
    {
        var head = _counters.Head;
        var spin = default(SpinWait);
        while (Volatile.Read(ref _counters.Tail) == head)
        {
            spin.SpinOnce();
        }

        var item = _slots[head & _mask];
        Volatile.Write(ref _counters.Head, head + 1);
        return item;
    }

    public void Dispose() => NativeMemory.Free(_slots);

    // Head and Tail 128 bytes apart: no false sharing between the two threads (adjacent-line
    // prefetch included).
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Counters
    {
        [FieldOffset(64)]
        public long Head;

        [FieldOffset(192)]
        public long Tail;
    }
}
