namespace Heapsmith.Os;

/// <summary>
/// Aligned regions cut from the program break, beside other users of the break (glibc's malloc
/// extends its main arena with the same <c>sbrk</c>). The logic of the brk backend, generic over
/// the break so that tests can move a simulated break between its calls.
/// </summary>
/// <remarks>
/// <para>Reserve: first carve from the holes (padding and released regions, all reading as zero);
/// else <c>sbrk(0)</c> to learn the break, <c>sbrk(padding + size)</c> so the region after the
/// padding is aligned, then <c>sbrk(0)</c> again. <c>sbrk</c> returns the old break, so the bytes
/// [old, old + increment) were handed to us by the kernel in one piece. If another user moved the
/// break between the first two calls, the region is re-aligned inside what we got, or, when it no
/// longer fits, given back (if still at the top) or kept as a hole, and the sequence is retried. If
/// the break is found below the end of what we got, another user shrank it under us: nothing above
/// the break is ours any more, and the reservation is refused. A refused <c>sbrk</c> is null.</para>
/// <para>Release: a region that ends at the current break is given back by shrinking the break, down
/// through any holes directly below it. Otherwise the break cannot move (another user's memory is
/// above it): the region is purged (<c>madvise</c> works on break memory) and kept as a hole.</para>
/// <para>One lock serializes this class's own <c>sbrk</c> sequences. It cannot exclude glibc, which
/// calls <c>sbrk</c> under its main-arena lock; see docs/os-layer.md for what that leaves.</para>
/// </remarks>
internal static unsafe class BreakRegions<TBreak>
    where TBreak : IProgramBreak
{
    /// <summary>Attempts of the grow sequence when other users keep moving the break between our calls.</summary>
    private const int GrowAttempts = 4;

    /// <summary>Largest increment asked of sbrk: its argument is signed, and no break grows this far.</summary>
    private const ulong MaxIncrement = 1UL << 60;

    private static readonly object s_lock = new();
    private static BreakHoles s_holes;

    /// <summary>A copy of the holes (tests, diagnostics).</summary>
    public static (nuint Start, nuint End)[] Holes
    {
        get
        {
            lock (s_lock)
            {
                return s_holes.ToArray();
            }
        }
    }

    public static void* Reserve(nuint size, nuint alignment)
    {
        if (!OsPages.TryRoundToPages(size, out size) || size > MaxIncrement || alignment > MaxIncrement)
        {
            return null;
        }

        if (alignment < OsPages.Size)
        {
            alignment = OsPages.Size;
        }

        lock (s_lock)
        {
            if (s_holes.TryCarve(size, alignment, out var reused))
            {
                return (void*)reused;
            }

            for (var attempt = 0; attempt < GrowAttempts; attempt++)
            {
                switch (TryGrow(size, alignment, out var region))
                {
                    case GrowResult.Granted: return (void*)region;
                    case GrowResult.Refused: return null;
                    default: continue;
                }
            }

            return null;
        }
    }

    public static void Release(void* address, nuint size)
    {
        var start = (nuint)address;
        var end = start + OsPages.AlignUp(size, OsPages.Size);
        lock (s_lock)
        {
            if (!TryShrink(start, end))
            {
                TBreak.Purge(address, end - start);
                s_holes.Add(start, end);
            }
        }
    }

    /// <summary>Removes every hole (tests that start from a known state).</summary>
    internal static void ForgetHolesForTests()
    {
        lock (s_lock)
        {
            s_holes = default;
        }
    }

    private static GrowResult TryGrow(nuint size, nuint alignment, out nuint region)
    {
        region = 0;
        var current = TBreak.Sbrk(0);
        if (IsRefusal(current))
        {
            return GrowResult.Refused;
        }

        var padding = OsPages.AlignUp((nuint)current, alignment) - (nuint)current;
        var increment = padding + size;
        if (increment > MaxIncrement)
        {
            return GrowResult.Refused;
        }

        var old = TBreak.Sbrk((nint)increment);
        if (IsRefusal(old))
        {
            return GrowResult.Refused;
        }

        var gotStart = (nuint)old;
        var gotEnd = gotStart + increment;
        var now = (nuint)TBreak.Sbrk(0);
        if (now < gotEnd)
        {
            // Shrunk under us by another user: [now, gotEnd) is not mapped for us any more, and what
            // lies below may be reused by that user. Claim nothing.
            return GrowResult.Refused;
        }

        var aligned = OsPages.AlignUp(gotStart, alignment);
        if (aligned + size <= gotEnd)
        {
            s_holes.Add(gotStart, aligned);
            s_holes.Add(aligned + size, gotEnd);
            region = aligned;
            return GrowResult.Granted;
        }

        // The break moved between sbrk(0) and sbrk(increment): the padding no longer aligns.
        if (now != gotEnd || !GiveBack(gotStart, gotEnd))
        {
            s_holes.Add(gotStart, gotEnd);
        }

        return GrowResult.Retry;
    }

    /// <summary>Shrinks the break from <paramref name="end"/> to <paramref name="start"/> and through the holes below; false when the region is not at the top.</summary>
    private static bool TryShrink(nuint start, nuint end)
    {
        if ((nuint)TBreak.Sbrk(0) != end)
        {
            return false;
        }

        var newBreak = start;
        while (s_holes.TryGetTopHole(newBreak, out var holeStart))
        {
            s_holes.RemoveTop();
            newBreak = holeStart;
        }

        if (GiveBack(newBreak, end))
        {
            return true;
        }

        // The break moved between our check and the shrink: keep what we took off the holes.
        if (newBreak != start)
        {
            s_holes.Add(newBreak, start);
        }

        return false;
    }

    /// <summary>
    /// Moves the break from <paramref name="end"/> down to <paramref name="start"/>. sbrk returns
    /// the break it started from; if that was not <paramref name="end"/>, another user moved it
    /// after our check, and the shrink is undone at once so that user's pages come back.
    /// </summary>
    private static bool GiveBack(nuint start, nuint end)
    {
        var decrement = end - start;
        var old = TBreak.Sbrk(-(nint)decrement);
        if (IsRefusal(old))
        {
            return false;
        }

        if ((nuint)old == end)
        {
            return true;
        }

        TBreak.Sbrk((nint)decrement);
        return false;
    }

    /// <summary>sbrk's refusal, <c>(void*)-1</c>.</summary>
    private static bool IsRefusal(void* result) => (nint)result == -1;

    private enum GrowResult
    {
        Granted,
        Refused,
        Retry,
    }
}
