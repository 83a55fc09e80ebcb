using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Heapsmith.Engine;

// Run-time misuse checks (HeapChecks), compiled away when a spec has none: every call site tests
// TSpec.Checks, a JIT-time constant.
//
// - Ownership: a freed pointer must be the start of a block of this heap: in one of its segments
//   (segment map and heap id), in a small page / large run / huge block, at a block boundary
//   (the block-index multiplier, no division).
// - DoubleFree: a freed small block carries a key in its second word, key = secret ^ address,
//   cleared when the block is handed out again; a free that finds the key is a double free (a
//   random 64-bit secret makes a false alarm from user data practically impossible). Large and
//   huge blocks are caught by their run being free or their mapping gone. Blocks of one word
//   have no room for the key and are checked for ownership only.
// - Junk: a small block is filled with AllocatedJunk when handed out (unless zeroed), and every
//   freed small or large block with FreedJunk past its links.
// - Canary: the bytes between the requested size and the usable size (at most CanaryMax of them)
//   are filled with CanaryByte by every allocating call; a sized free, Free(p, size), checks them
//   and reports an overrun. An unsized free cannot know where the request ended: not checked.
//
// A detected misuse throws HeapCorruptionException before anything is changed, so the heap stays
// consistent and usable; with HeapChecks.FailFast it ends the process instead (Environment.FailFast).
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

    private static readonly nuint s_secret = NewSecret();

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
            var length = page->BlockSize - size;
            NativeMemory.Fill((byte*)block + size, length < CanaryMax ? length : CanaryMax, CanaryByte);
        }

        return block;
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

        var usable = page->BlockSize;
        if (size > usable)
        {
            throw Misuse(p, $"sized free of {size} bytes, but the block holds {usable}");
        }

        var length = usable - size;
        if (new ReadOnlySpan<byte>((byte*)p + size, (int)(length < CanaryMax ? length : CanaryMax)).IndexOfAnyExcept(CanaryByte) >= 0)
        {
            throw Misuse(p, $"overrun: bytes after the {size} requested were written");
        }
    }

    private static nuint NewSecret()
    {
        nuint secret = 0;
        RandomNumberGenerator.Fill(new Span<byte>(&secret, sizeof(nuint)));
        return secret | 1;
    }

    /// <summary>Prepares a small block being handed out: clears its key, fills it with junk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OnSmallAlloc(void* block, nuint blockSize)
    {
        if (Has(HeapChecks.Junk))
        {
            NativeMemory.Fill(block, blockSize, AllocatedJunk);
        }
        else if (Has(HeapChecks.DoubleFree) && blockSize >= (nuint)(2 * sizeof(nuint)))
        {
            ((nuint*)block)[1] = 0;
        }
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
            var size = page->BlockSize;
            if (Has(HeapChecks.Junk) && size > (nuint)(2 * sizeof(nuint)))
            {
                NativeMemory.Fill((byte*)p + (2 * sizeof(nuint)), size - (nuint)(2 * sizeof(nuint)), FreedJunk);
            }

            if (Has(HeapChecks.DoubleFree) && size >= (nuint)(2 * sizeof(nuint)))
            {
                ((nuint*)p)[1] = s_secret ^ (nuint)p;
            }
        }
        else if (page->Kind == PageKind.Large && Has(HeapChecks.Junk))
        {
            NativeMemory.Fill(p, page->BlockSize, FreedJunk);
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
                if (ownership && !IsBlockStart(page, p))
                {
                    throw Misuse(p, "free of an interior pointer (not the start of a block)");
                }

                if (Has(HeapChecks.DoubleFree) && page->BlockSize >= (nuint)(2 * sizeof(nuint)) && ((nuint*)p)[1] == (s_secret ^ (nuint)p))
                {
                    throw Misuse(p, "double free");
                }

                return true;
            case PageKind.Large:
            case PageKind.Huge:
                if (ownership && p != page->Start)
                {
                    throw Misuse(p, "free of an interior pointer (not the start of a block)");
                }

                return true;
            default:
                return ownership || Has(HeapChecks.DoubleFree) ? throw Misuse(p, "double free (the block's pages are free)") : false;
        }
    }

    private static bool IsBlockStart(Page* page, void* p)
    {
        var offset = (nuint)p - (nuint)page->Start;
        if (offset >= (nuint)page->Reserved * page->BlockSize)
        {
            return false;
        }

        var index = ((ulong)offset * TSpec.BlockIndexMultiplier(page->SizeClass)) >> TSpec.BlockIndexShift;
        return index * page->BlockSize == offset;
    }

    /// <summary>Tests only: called instead of <see cref="Environment.FailFast(string)"/>, which would end the test run.</summary>
    internal static Action<string>? FailFastHook;

    /// <summary>The exception for a misuse; with <see cref="HeapChecks.FailFast"/> the process ends here instead.</summary>
    private static HeapCorruptionException Misuse(void* p, string problem)
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
