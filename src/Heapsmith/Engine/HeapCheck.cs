using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Engine;

// Run-time misuse checks (HeapChecks), compiled away when a spec has none: every call site tests
// TSpec.Checks, a JIT-time constant.
//
// - Ownership: a freed pointer must be the start of a block of this heap: in one of its segments
//   (segment map and heap id), in a small page / large run / huge block, at a block boundary
//   (the block-index multiplier, no division).
// - DoubleFree: a freed small block carries the freed key in its second word (FreeLink.cs),
//   cleared when the block is handed out again; a free that finds the key walks the page's lists
//   and reports a double free if the block is on one (so user data equal to the key is no false
//   alarm). A block in a part of its page purged in place (its key went with the memory) is free
//   by PagePurge's invariant. Large and huge blocks are caught by their run being free or their
//   mapping gone. Blocks of one word have no room for the key and are checked for ownership only.
// - Junk: a small block is filled with AllocatedJunk when handed out (unless zeroed), and every
//   freed small or large block with FreedJunk past its links. Both fills stay: two patterns tell
//   a read of uninitialised memory (0xA5) from a use after free (0xDF), as glibc's perturb byte
//   and mimalloc's debug fills do; skipping the fill on allocation would hand out blocks reading
//   0xDF, or zero when freshly carved from the OS. Junk is therefore a memset per allocation and
//   per free, its cost in proportion to the block size: a testing aid, not a production setting.
// - Canary: the bytes between the requested size and the usable size (at most CanaryMax of them)
//   are filled with CanaryByte by every allocating call; a sized free, Free(p, size), checks them
//   and reports an overrun. An unsized free cannot know where the request ended: not checked.
//   With canaries on, every request is served as if one byte larger (Padded), so a request that
//   would fill its size class exactly still gets a canary byte (mimalloc's debug padding does the
//   same); GoodSize and UsableSize follow, so UsableSize(Alloc(n)) == GoodSize(n) still holds.
//
// Two paths. The common case, a small block freed by the thread heap that owns its page (the
// caller tested page->Heap == heap, which implies a small page of this very heap), is inlined into
// the fast paths: a block-start test, a compare and a store of the key, the fills (BeforeLocalFree,
// SetSmallCanary). Everything else (remote frees, large and huge blocks, foreign pointers) takes
// the generic NoInlining BeforeFree/CheckCanary, which re-derive the segment, heap and page kind.
// Both paths apply the same checks in the same order: ownership, double free, canary, then the
// free marks (junk, key).
//
// A detected misuse throws HeapCorruptionException before anything is changed, so the heap stays
// consistent and usable; with HeapChecks.FailFast it ends the process instead (Environment.FailFast).
// Reports are built in NoInlining throw helpers, so the inlined checks stay a few instructions.
internal static unsafe class HeapCheck<TSpec>
    where TSpec : struct, IHeapSpec
{
    /// <summary>Fill of a block just handed out: new memory is not zero by accident.</summary>
    public const byte AllocatedJunk = 0xA5;

    /// <summary>Fill of a freed block, past its free-list link and double-free key.</summary>
    public const byte FreedJunk = 0xDF;

    /// <summary>Fill of the bytes after the requested size.</summary>
    public const byte CanaryByte = 0xCA;

    /// <summary>Most canary bytes written and checked per block (large blocks can have KiBs of slack).</summary>
    private const int CanaryMax = 4096;

    /// <summary>Whether any check is on (a JIT-time constant).</summary>
    public static bool Enabled
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (TSpec.Checks & HeapChecks.All) != HeapChecks.None;
    }

    /// <summary>Whether canaries are on (a JIT-time constant).</summary>
    public static bool HasCanary
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Has(HeapChecks.Canary);
    }

    private static bool Has(HeapChecks check) => (TSpec.Checks & check) != 0;

    /// <summary>The size a request of <paramref name="size"/> is served as: one byte more when canaries are on, so every block has a canary byte.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint Padded(nuint size) => HasCanary && size != nuint.MaxValue ? size + 1 : size;

    /// <summary>A block just allocated for <paramref name="size"/> bytes, its canary set when canaries are on; null passes through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* AfterAlloc(void* block, nuint size) => HasCanary && block != null ? SetCanary(block, size) : block;

    /// <summary>Fills the canary after the <paramref name="size"/> bytes requested; returns the block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* SetCanary(void* block, nuint size)
    {
        var page = SegmentLayout<TSpec>.PageOf(block);
        if (page != null && page->BlockSize > size)
        {
            FillCanary((byte*)block, size, page->BlockSize);
        }

        return block;
    }

    /// <summary>
    /// Fills the canary of a small block just popped on the fast path: <paramref name="blockSize"/>
    /// is its class's block size, known without a page lookup (a constant when the size is).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetSmallCanary(void* block, nuint size, nuint blockSize)
    {
        if (blockSize > size)
        {
            FillCanary((byte*)block, size, blockSize);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FillCanary(byte* block, nuint size, nuint usable)
    {
        var length = usable - size;
        BytePattern.Fill(block + size, length < CanaryMax ? length : CanaryMax, CanaryByte);
    }

    /// <summary>Checks the canary of a block freed with its size (throws on an overrun, changing nothing).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CheckCanary(HeapCore<TSpec> core, void* p, nuint size)
    {
        var page = SegmentLayout<TSpec>.PageOf(p);
        if (p == null || !Validate(core, p, page))
        {
            return;
        }

        CheckTail((byte*)p, size, page->BlockSize);
    }

    /// <summary>Throws when <paramref name="size"/> exceeds the block or a canary byte after it changed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckTail(byte* p, nuint size, nuint usable)
    {
        if (size > usable)
        {
            FailSizedFree(p, size, usable);
        }

        var length = usable - size;
        if (!BytePattern.IsFilled(p + size, length < CanaryMax ? length : CanaryMax, CanaryByte))
        {
            FailOverrun(p, size);
        }
    }

    /// <summary>Prepares a small block being handed out (its key already cleared): fills it with junk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OnSmallAlloc(void* block, nuint blockSize)
    {
        if (Has(HeapChecks.Junk))
        {
            BytePattern.Fill((byte*)block, blockSize, AllocatedJunk);
        }
    }

    /// <summary>
    /// The checks of a free of a small block by the thread heap that owns its page (the caller
    /// tested <c>page->Heap == heap</c>): throws on misuse, changing nothing, then marks the block
    /// freed. With <paramref name="sized"/> (a constant at each call site), <paramref name="size"/>
    /// is the requested size and the canary is checked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BeforeLocalFree(Page* page, void* p, nuint size, bool sized)
    {
        if (Has(HeapChecks.Ownership) && !SmallAlloc<TSpec>.IsBlockStart(page, p))
        {
            FailInterior(p);
        }

        if (Has(HeapChecks.DoubleFree) && IsFreed(page, p))
        {
            FailDoubleFree(p);
        }

        if (HasCanary && sized)
        {
            CheckTail((byte*)p, size, page->BlockSize);
        }

        MarkSmallFreed(page, p);
    }

    /// <summary>Validates a free (throws on misuse, changing nothing), then marks the block freed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void BeforeFree(HeapCore<TSpec> core, void* p, Page* page)
    {
        if (p == null)
        {
            return;
        }

        if (!Validate(core, p, page))
        {
            return; // Not ours and ownership is not checked: the free ignores it.
        }

        if (page->Kind == PageKind.Small)
        {
            MarkSmallFreed(page, p);
        }
        else if (page->Kind == PageKind.Large && Has(HeapChecks.Junk))
        {
            NativeMemory.Fill(p, page->BlockSize, FreedJunk);
        }
    }

    /// <summary>Junk past the link and the freed key (which the free itself writes, FreeLink) in a small block being freed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MarkSmallFreed(Page* page, void* p)
    {
        if (Has(HeapChecks.Junk))
        {
            var size = page->BlockSize;
            if (size > (nuint)(2 * sizeof(nuint)))
            {
                BytePattern.Fill((byte*)p + (2 * sizeof(nuint)), size - (nuint)(2 * sizeof(nuint)), FreedJunk);
            }
        }
    }

    /// <summary>
    /// Throws if <paramref name="p"/> is not a live block of this heap (as far as the checks on can
    /// tell); returns whether it is a block of this heap at all.
    /// </summary>
    public static bool Validate(HeapCore<TSpec> core, void* p, Page* page)
    {
        var ownership = Has(HeapChecks.Ownership);
        if (page == null)
        {
            return ownership ? throw Misuse(p, "free of memory this heap does not own (a foreign, stack or already unmapped pointer)") : false;
        }

        if (SegmentLayout<TSpec>.SegmentOfDescriptor(page)->HeapId != core.Id)
        {
            return ownership ? throw Misuse(p, "free of a block of another heap of the same type") : false;
        }

        switch (page->Kind)
        {
            case PageKind.Small:
                if (ownership && !SmallAlloc<TSpec>.IsBlockStart(page, p))
                {
                    FailInterior(p);
                }

                if (Has(HeapChecks.DoubleFree) && IsFreed(page, p))
                {
                    FailDoubleFree(p);
                }

                return true;
            case PageKind.Large:
            case PageKind.Huge:
                if (ownership && p != page->Start)
                {
                    FailInterior(p);
                }

                return true;
            default:
                return ownership || Has(HeapChecks.DoubleFree) ? throw Misuse(p, "double free (the block's pages are free)") : false;
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailInterior(void* p) => throw Misuse(p, "free of an interior pointer (not the start of a block)");

    /// <summary>
    /// Whether a small block lies in a part of its page purged in place (free by PagePurge's
    /// invariant; its key went with the memory, and is not read there), or carries the freed key
    /// and is on one of its page's lists.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsFreed(Page* page, void* p) =>
        (page->PurgedMask != 0 && PagePurge<TSpec>.IsInPurgedPart(page, p))
        || (FreeLink<TSpec>.HasKey(page, p) && FreeLink<TSpec>.IsFree(page, p));

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void FailDoubleFree(void* p) => throw Misuse(p, "double free");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailSizedFree(void* p, nuint size, nuint usable) => throw Misuse(p, $"sized free of {size} bytes, but the block holds {usable}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailOverrun(void* p, nuint size) => throw Misuse(p, $"overrun: bytes after the {size} requested were written");

    /// <summary>Tests only: called instead of <see cref="Environment.FailFast(string)"/>, which would end the test run.</summary>
    internal static Action<string>? FailFastHook;

    /// <summary>The exception for a misuse; with <see cref="HeapChecks.FailFast"/> the process ends here instead.</summary>
    internal static HeapCorruptionException Misuse(void* p, string problem)
    {
        var exception = new HeapCorruptionException(TSpec.Name, (nint)p, problem);
        if (Has(HeapChecks.FailFast))
        {
            var failFast = FailFastHook;
            if (failFast is null)
            {
                Environment.FailFast(exception.Message);
            }

            failFast(exception.Message);
        }

        return exception;
    }
}
