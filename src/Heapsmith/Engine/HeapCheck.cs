using System;
using System.Diagnostics.CodeAnalysis;
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
// - Canary: every block ends in a trailer (TrailerSize bytes, as mimalloc's debug padding): the
//   distance from the requested size to the trailer, with a hash of it, XORed with a secret and
//   the block's address. The bytes between the request and the trailer (at most CanaryMax) are
//   filled with CanaryByte by every allocating call. Every free (plain or sized), Realloc and an
//   arena's Dispose (every live block) read the trailer and check the canary: an overrun into the
//   canary or the trailer is reported (a change of any one trailer byte always is). A sized free
//   must pass the requested size. Requests are served TrailerSize bytes larger (Padded); the
//   usable size is the request itself, so GoodSize(n) == n == UsableSize(Alloc(n)) and writing
//   every usable byte trips nothing. Underrun: when the owning thread frees a small block, the
//   trailer of the block before it (carved blocks get one, and junk never covers it) must still
//   be a record; not for a page's first block, blocks of 16 bytes, remote frees, large or huge
//   blocks (the bytes before them belong to another span or the segment header).
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

    private static readonly nuint s_trailerSecret = NewSecret();

    /// <summary>Whether any check of this file is on (a JIT-time constant); Hardened works in FreeLink and HeapApi.</summary>
    public static bool Enabled
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (TSpec.Checks & ((HeapChecks.All & ~HeapChecks.Hardened) | HeapChecks.Leaks | HeapChecks.LeakSamples)) != HeapChecks.None;
    }

    /// <summary>Whether canaries are on (a JIT-time constant).</summary>
    public static bool HasCanary
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Has(HeapChecks.Canary);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Has(HeapChecks check) => (TSpec.Checks & check) != 0;

    /// <summary>Bytes at the end of every block with canaries on: the record of the requested size (the trailer).</summary>
    public const int TrailerSize = sizeof(ulong);

    /// <summary>The size a request of <paramref name="size"/> is served as: with canaries, room for the trailer after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint Padded(nuint size) => HasCanary && size <= nuint.MaxValue - TrailerSize ? size + TrailerSize : size;

    /// <summary>What <c>GoodSize(size)</c> reports: the class or page-rounded size, or with canaries the request itself (the rest is canary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint GoodSize(nuint size) => HasCanary ? size : HeapCore<TSpec>.GoodSize(size);

    /// <summary>A block just allocated for <paramref name="size"/> bytes, its canary set when canaries are on; null passes through.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* AfterAlloc(void* block, nuint size)
    {
        if (HasCanary && block != null)
        {
            SetCanary(block, size);
        }

        if (LeakTable<TSpec>.Enabled)
        {
            LeakTable<TSpec>.Record(block, size);
        }

        return block;
    }

    /// <summary>Fills the canary after the <paramref name="size"/> bytes requested and records the size; returns the block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void* SetCanary(void* block, nuint size)
    {
        var page = SegmentLayout<TSpec>.PageOf(block);
        if (page != null && page->BlockSize >= size + TrailerSize)
        {
            SetSmallCanary(block, size, page->BlockSize);
        }

        return block;
    }

    /// <summary>
    /// Fills the canary and writes the trailer of a block of <paramref name="blockSize"/> bytes
    /// (at least <paramref name="size"/> + TrailerSize) handed out for <paramref name="size"/>: on the
    /// fast path the class's block size is known without a page lookup (a constant when the size is).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetSmallCanary(void* block, nuint size, nuint blockSize)
    {
        var end = blockSize - TrailerSize;
        var length = end - size;
        BytePattern.Fill((byte*)block + size, length < CanaryMax ? length : CanaryMax, CanaryByte);
        *(ulong*)((byte*)block + end) = Record(length) ^ TrailerMix(block);
    }

    /// <summary>
    /// A trailer before its mix: the canary length in the high half, a bijective hash of it in the
    /// low half, so a change of any one byte of the trailer is always seen.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Record(nuint length) => ((ulong)length << 32) | (uint)((uint)length * 0x9E3779B1u);

    /// <summary>Whether a trailer, its mix removed, is a record of a length that fits a block of <paramref name="blockSize"/> bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsRecord(ulong record, nuint blockSize) =>
        record == Record((nuint)(record >> 32)) && (nuint)(record >> 32) <= blockSize - TrailerSize;

    /// <summary>What a trailer is XORed with: a secret and the block's address, so it can be neither guessed nor copied from another block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong TrailerMix(void* block) => (ulong)(s_trailerSecret ^ (nuint)block);

    /// <summary>
    /// The size <paramref name="p"/> (a block of <paramref name="blockSize"/> bytes) was handed out
    /// for, read from its trailer; throws if the trailer or a canary byte was overwritten (an overrun).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint CheckedSize(void* p, nuint blockSize)
    {
        var end = blockSize - TrailerSize;
        var record = *(ulong*)((byte*)p + end) ^ TrailerMix(p);
        var length = (nuint)(record >> 32);
        if (!IsRecord(record, blockSize))
        {
            FailTrailer(p);
        }

        var size = end - length;
        if (!BytePattern.IsFilled((byte*)p + size, length < CanaryMax ? length : CanaryMax, CanaryByte))
        {
            FailOverrun(p, size);
        }

        return size;
    }

    /// <summary>Checks the canary of a block freed with its size (throws on an overrun or a size that is not the request, changing nothing).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CheckCanary(HeapCore<TSpec> core, void* p, nuint size)
    {
        var page = SegmentLayout<TSpec>.PageOf(p);
        if (p == null || !Validate(core, p, page))
        {
            return;
        }

        if (IsStart(page, p))
        {
            CheckTail(p, size, page->BlockSize, sized: true);
        }
    }

    /// <summary>The canary and trailer of a block being freed; with <paramref name="sized"/>, <paramref name="size"/> must be the request.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckTail(void* p, nuint size, nuint blockSize, bool sized)
    {
        var requested = CheckedSize(p, blockSize);
        if (sized && size != requested)
        {
            FailSizedFree(p, size, requested);
        }
    }

    /// <summary>
    /// The usable size of a live block with canaries on: the size it was handed out for (0 for a
    /// pointer that is not a block start); throws if its trailer or canary was overwritten.
    /// </summary>
    public static nuint RequestedSize(Page* page, void* p) => IsStart(page, p) ? CheckedSize(p, page->BlockSize) : 0;

    /// <summary>Whether <paramref name="p"/> starts a block of <paramref name="page"/> (a small page, large run or huge block), so its trailer is inside it.</summary>
    private static bool IsStart(Page* page, void* p) => page->Kind == PageKind.Small ? SmallAlloc<TSpec>.IsBlockStart(page, p) : p == page->Start;

    /// <summary>Prepares a small block being handed out (its key already cleared): fills it with junk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OnSmallAlloc(void* block, nuint blockSize)
    {
        if (Has(HeapChecks.Junk))
        {
            BytePattern.Fill((byte*)block, JunkEnd(blockSize), AllocatedJunk);
        }
    }

    /// <summary>Where junk stops: the block's end, or its trailer with canaries on (a trailer is only ever replaced whole, so a neighbour's free always reads a record).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint JunkEnd(nuint blockSize) => HasCanary ? blockSize - TrailerSize : blockSize;

    /// <summary>Whether a freed block's junk is verified when it is handed out again (Junk with Hardened, a JIT-time constant).</summary>
    public static bool VerifiesJunk
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Has(HeapChecks.Junk) && Has(HeapChecks.Hardened);
    }

    /// <summary>Whether a block on a list still holds FreedJunk past its link and key (VerifiesJunk keeps every list block so filled).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsJunkIntact(void* block, nuint blockSize)
    {
        var end = JunkEnd(blockSize);
        return end <= (nuint)(2 * sizeof(nuint)) || BytePattern.IsFilled((byte*)block + (2 * sizeof(nuint)), end - (nuint)(2 * sizeof(nuint)), FreedJunk);
    }

    /// <summary>A small block carved into its page's free list (a slow path): with canaries, a trailer, so the next block's underrun check finds a record; with verified junk, junk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void OnCarve(void* block, nuint blockSize)
    {
        if (VerifiesJunk)
        {
            MarkFreedJunk(block, blockSize);
        }

        if (HasCanary && blockSize > 2 * TrailerSize)
        {
            *(ulong*)((byte*)block + blockSize - TrailerSize) = Record(blockSize - TrailerSize) ^ TrailerMix(block);
        }
    }

    /// <summary>
    /// An underrun of a small block freed by its own thread: the 8 bytes before it are the trailer of
    /// the block before it, a record whatever that block's state (OnCarve, JunkEnd), unless that
    /// block lies in a part of the page purged in place. Not checked for the first block of a page
    /// (the bytes before it belong to another span), for blocks of 16 bytes or less (a free
    /// block's key is where its trailer would be), nor by frees from other threads (the owner may
    /// be purging the block before).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CheckBefore(Page* page, void* p)
    {
        var size = page->BlockSize;
        if (size <= 2 * TrailerSize || p == page->Start)
        {
            return;
        }

        var before = (byte*)p - size;
        var record = *(ulong*)((byte*)p - TrailerSize) ^ TrailerMix(before);
        if (!IsRecord(record, size) && !(page->PurgedMask != 0 && PagePurge<TSpec>.IsInPurgedPart(page, before)))
        {
            FailUnderrun(p);
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

        if (HasCanary && (Has(HeapChecks.Ownership) || SmallAlloc<TSpec>.IsBlockStart(page, p)))
        {
            CheckTail(p, size, page->BlockSize, sized);
            CheckBefore(page, p);
        }

        MarkSmallFreed(page, p);
        if (LeakTable<TSpec>.Enabled)
        {
            LeakTable<TSpec>.Forget(p);
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

        if (HasCanary && IsStart(page, p))
        {
            CheckedSize(p, page->BlockSize);
        }

        if (LeakTable<TSpec>.Enabled)
        {
            LeakTable<TSpec>.Forget(p);
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
            MarkFreedJunk(p, page->BlockSize);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MarkFreedJunk(void* p, nuint blockSize)
    {
        var end = JunkEnd(blockSize);
        if (end > (nuint)(2 * sizeof(nuint)))
        {
            BytePattern.Fill((byte*)p + (2 * sizeof(nuint)), end - (nuint)(2 * sizeof(nuint)), FreedJunk);
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
    private static void FailSizedFree(void* p, nuint size, nuint requested) => throw Misuse(p, $"sized free of {size} bytes, but the block was allocated for {requested}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailUnderrun(void* p) => throw Misuse(p, "underrun: the bytes just before the block were written");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailTrailer(void* p) => throw Misuse(p, "overrun: the size record at the end of the block was overwritten");

    private static nuint NewSecret()
    {
        nuint secret = 0;
        RandomNumberGenerator.Fill(new Span<byte>(&secret, sizeof(nuint)));
        return secret;
    }

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
