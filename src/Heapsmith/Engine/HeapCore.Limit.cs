using System;
using System.Threading;

namespace Heapsmith.Engine;

// The memory limit: a cap on the memory the heap core counts as committed, that is every segment
// and huge mapping it holds (BytesReserved) less the units of free spans purged back to the OS.
// OS pages purged inside a partly used small page (PagePurge) stay counted: they come back on their
// page's next refill without asking the core, so the core cannot refuse them. GetStats'
// BytesCommitted, which subtracts them too, therefore never exceeds the limit.
//
// The core refuses, under its lock, the three things that commit memory: a new segment, purged
// units committed again (a span handed out, a large block grown in place), and a huge mapping.
// A refusal is the same failure as an OS refusal (null up to the API), so the heap stays intact;
// the thread-static flag only tells the exception message which of the two happened.
internal sealed unsafe partial class HeapCore<TSpec>
{
    /// <summary>Set when this thread's last refusal by a core of this spec was the memory limit's.</summary>
    [ThreadStatic]
    private static bool t_refusedByLimit;

    /// <summary>The limit in bytes; 0 for none.</summary>
    private long _memoryLimit = TSpec.MemoryLimit;

    /// <summary>The cap on committed memory in bytes; 0 for none. A lower cap than the heap holds refuses growth until it shrinks.</summary>
    public long MemoryLimit
    {
        get => Volatile.Read(ref _memoryLimit);
        set => Volatile.Write(ref _memoryLimit, value);
    }

    /// <summary>The bytes the limit counts (segments and huge mappings, less purged free units).</summary>
    public long LimitedBytes
    {
        get
        {
            using var scope = Lock();
            return _reservedBytes - _purgedBytes;
        }
    }

    /// <summary>Whether <paramref name="bytes"/> more may be committed under the limit; records a refusal for the message.</summary>
    private bool MayCommitLocked(nuint bytes)
    {
        var limit = MemoryLimit;
        if (limit == 0 || _reservedBytes - _purgedBytes + (long)bytes <= limit)
        {
            return true;
        }

        t_refusedByLimit = true;
        return false;
    }

    /// <summary>Records that the OS refused (so a stale limit refusal does not name the limit); returns null.</summary>
    private static T* RefusedByOs<T>()
        where T : unmanaged
    {
        t_refusedByLimit = false;
        return null;
    }

    /// <summary>Whether the calling thread's last refusal was the limit's (and forgets it).</summary>
    public static bool TakeLimitRefusal()
    {
        var refused = t_refusedByLimit;
        t_refusedByLimit = false;
        return refused;
    }
}
