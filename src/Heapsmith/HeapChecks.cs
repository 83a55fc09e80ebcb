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

    /// <summary>Every check.</summary>
    All = DoubleFree | Ownership | Junk | Canary,
}
