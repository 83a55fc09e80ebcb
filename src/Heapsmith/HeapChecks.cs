using System;

namespace Heapsmith;

/// <summary>Run-time misuse checks a heap performs; each raises <see cref="HeapCorruptionException"/>.</summary>
[Flags]
public enum HeapChecks
{
    /// <summary>No checks: the fastest configuration.</summary>
    None = 0,

    /// <summary>A second free of the same block is caught.</summary>
    DoubleFree = 1,

    /// <summary>A free of a pointer this heap did not hand out (interior, stack, foreign) is caught.</summary>
    Ownership = 2,

    /// <summary>Freed memory is filled with a recognisable pattern.</summary>
    Junk = 4,

    /// <summary>Bytes after the requested size are checked at free, so an overrun is reported.</summary>
    Canary = 8,

    /// <summary>Every check, <see cref="Hardened"/> included.</summary>
    All = DoubleFree | Ownership | Junk | Canary | Hardened,

    /// <summary>
    /// Not a check but what a detection does: end the process at once with
    /// <see cref="System.Environment.FailFast(string)"/> (the message names the heap, the pointer and
    /// the problem) instead of throwing. For production, where code that catches exceptions could
    /// otherwise run on past memory corruption. Combine with the checks wanted:
    /// <c>HeapChecks.DoubleFree | HeapChecks.FailFast</c>.
    /// </summary>
    FailFast = 16,

    /// <summary>
    /// Defends the heap's own metadata against overflows and writes after free, for production:
    /// free-list links stored encoded and checked before a block is handed out (a corrupted link
    /// raises instead of handing out an arbitrary address), a key in every freed block so a double
    /// free is caught on the free fast path, and frees of pointers outside the heap or of free
    /// runs raised (they are off the fast path). Part of <see cref="All"/>.
    /// </summary>
    Hardened = 32,

    /// <summary>
    /// Not a check but a report: every live block remembers where it was allocated (a stack
    /// trace, microseconds per allocation), and <c>ReportLeaks</c> lists the live blocks by
    /// allocation site; an arena reports its live blocks at <c>Dispose</c>, a static heap at
    /// process exit (to standard error). Not part of <see cref="All"/>.
    /// </summary>
    Leaks = 64,

    /// <summary>
    /// <see cref="Leaks"/> for about one allocation in <c>64</c> per thread (a counter, so a site
    /// that leaks many blocks is seen for sure): a report lists the sampled blocks only, at about
    /// a 64th of the cost. Alone or with <see cref="Leaks"/> (which then wins).
    /// </summary>
    LeakSamples = 128,
}
