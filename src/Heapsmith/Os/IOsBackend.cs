namespace Heapsmith.Os;

/// <summary>
/// One source of address space. Implementations are static (static abstract members) so that
/// <see cref="OsMemory"/> dispatches on a backend the JIT knows as a constant.
/// </summary>
/// <remarks>
/// Invariants every backend keeps:
/// <list type="bullet">
/// <item><c>Reserve</c> returns a region aligned to <c>alignment</c> (a power of two, at least the OS
/// page), readable and writable, whose bytes read as zero, or null when the OS refuses; it never
/// throws and never hands out memory another user owns.</item>
/// <item><c>Purge</c> gives the physical pages of a committed range back; the range stays reserved
/// and reads as zero when touched again (contents are lost). Before touching a purged range the
/// caller calls <c>Commit</c> on it: free on Linux and macOS (pages come back on first touch), a
/// real recommit on Windows, where a purged range is decommitted and faults until then.</item>
/// <item><c>Purge</c> and <c>Release</c> never fail from the caller's view: a refused page drop is
/// replaced by clearing the bytes, so "reads as zero" holds regardless.</item>
/// <item><c>Release</c> takes exactly a region <c>Reserve</c> returned, with its size.</item>
/// </list>
/// </remarks>
internal unsafe interface IOsBackend
{
    /// <summary>Whether this backend can run on this OS.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>Reserves and commits <paramref name="size"/> bytes aligned to <paramref name="alignment"/>; null on refusal.</summary>
    static abstract void* Reserve(nuint size, nuint alignment);

    /// <summary>Makes a purged range usable again; false on refusal.</summary>
    static abstract bool Commit(void* address, nuint size);

    /// <summary>Returns the physical memory of a range to the OS, keeping the address range.</summary>
    static abstract void Purge(void* address, nuint size);

    /// <summary>Returns a whole reserved region to the OS.</summary>
    static abstract void Release(void* address, nuint size);
}
