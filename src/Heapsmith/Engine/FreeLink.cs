using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading;

namespace Heapsmith.Engine;

// The words a free block carries, in one place: its free-list link (word 0) and its freed key
// (word 1). Every read and write of a link, on FreeList and ThreadFree alike, goes through here.
//
// - Safe-linking (glibc 2.32) with a secret (mimalloc's secure mode): with Guarded on, a link is
//   stored as next ^ (its own address >> 12) ^ LinkSecret, so a pointer written into a freed block
//   by an overflow or a use after free decodes to an address its writer does not choose, even
//   knowing where the block is (the secret is random per heap type, a constant to the JIT). A block about to be
//   handed out must lie in its page's segment and be aligned; one that is not raises
//   HeapCorruptionException (the page's list is dropped from there on: its blocks leak, the heap
//   goes on) instead of handing out an arbitrary address. Walks of a list check every link.
// - Freed key (glibc 2.29's tcache key): every block on a list holds Key in word 1; a block being
//   handed out has it cleared. A free that finds the key may be a double free: the slow path walks
//   the page's lists (FreeList, ThreadFree, and the purged part) and raises only if the block is
//   really there, so user data that happens to equal the key costs a walk, never a false report.
//   Blocks of one word (an Alignment and MinBlockSize of 8) have no room for the key.
//
// Invariant (Guarded): every block on a page's FreeList or ThreadFree has Key in word 1, and every
// link on them decodes to null or to a block start of the page.
internal static unsafe class FreeLink<TSpec>
    where TSpec : struct, IHeapSpec
{
    /// <summary>The freed-block key: random per heap type, odd, never a plausible small integer.</summary>
    public static readonly nuint Key = NewKey();

    /// <summary>The secret every link is XORed with (random per heap type).</summary>
    private static readonly nuint LinkSecret = NewKey();

    /// <summary>Whether links are encoded and checked (a JIT-time constant).</summary>
    public static bool Guarded
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (TSpec.Checks & HeapChecks.Hardened) != 0;
    }

    /// <summary>Whether freed blocks carry the key (a JIT-time constant): guarded, or Checks.DoubleFree.</summary>
    public static bool Keyed
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Guarded || (TSpec.Checks & HeapChecks.DoubleFree) != 0;
    }

    /// <summary>The next block after <paramref name="block"/> on a list of <paramref name="page"/> (not checked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void* Next(Page* page, void* block) => (void*)Decode(page, block, *(nuint*)block);

    /// <summary>Links <paramref name="block"/> to <paramref name="next"/> (null ends the list).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetNext(Page* page, void* block, void* next) => *(nuint*)block = Encode(page, block, (nuint)next);

    /// <summary>The word stored in <paramref name="block"/> to link it to <paramref name="next"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static nuint Encode(Page* page, void* block, nuint next) => Guarded ? next ^ ((nuint)block >> 12) ^ LinkSecret : next;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static nuint Decode(Page* page, void* block, nuint stored) => Guarded ? stored ^ ((nuint)block >> 12) ^ LinkSecret : stored;

    /// <summary>
    /// Whether a block about to be handed out (a list head) can be one of <paramref name="page"/>'s:
    /// in the page's segment and aligned. Always true when not guarded.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsPlausible(Page* page, void* block) =>
        !Guarded || ((((nuint)block ^ (nuint)page) & ~SegmentLayout<TSpec>.SegmentMask) | ((nuint)block & (nuint)(TSpec.Alignment - 1))) == 0;

    /// <summary>The next block, checked to be null or a block start of <paramref name="page"/>; throws on a corrupted link.</summary>
    public static void* NextChecked(Page* page, void* block)
    {
        var next = Next(page, block);
        if (Guarded && next != null && !IsBlockOf(page, next))
        {
            FailLink(page, block, next);
        }

        return next;
    }

    /// <summary>Whether <paramref name="p"/> is the start of a carved block of <paramref name="page"/>.</summary>
    public static bool IsBlockOf(Page* page, void* p)
    {
        var offset = (nuint)p - (nuint)page->Start;
        return offset < (nuint)page->Capacity * page->BlockSize && SmallAlloc<TSpec>.IsBlockStart(page, p);
    }

    /// <summary>
    /// A list head that failed <see cref="IsPlausible"/>: drops the rest of the list (those blocks
    /// leak; the page stays usable), clears Busy (the alloc fast path's bracket), and throws.
    /// </summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FailHead(ThreadHeap* heap, Page* page, void* block)
    {
        // The dropped blocks count as in use from now on (HeapCore.Validate's count holds).
        page->FreeList = null;
        var purged = 0;
        for (var i = 0; i < page->Capacity && page->PurgedMask != 0; i++)
        {
            purged += PagePurge<TSpec>.Touches(i, page->BlockSize, page->PurgedMask) ? 1 : 0;
        }

        page->Used = page->Capacity - purged;
        if (TSpec.ThreadSafe)
        {
            Volatile.Write(ref heap->Busy, 0);
        }

        throw HeapCheck<TSpec>.Misuse(block, "corrupted free list: a freed block's link was overwritten (use after free or overflow) and points outside its page");
    }

    /// <summary>A block being handed out whose junk changed since its free (Junk with Hardened): it stays counted as in use (it leaks), Busy is cleared, and this throws.</summary>
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void FailWriteAfterFree(ThreadHeap* heap, void* block)
    {
        if (TSpec.ThreadSafe)
        {
            Volatile.Write(ref heap->Busy, 0);
        }

        throw HeapCheck<TSpec>.Misuse(block, "write after free: the freed block's junk changed before it was handed out again");
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailLink(Page* page, void* block, void* next) =>
        throw HeapCheck<TSpec>.Misuse(next, $"corrupted free list: the link of freed block 0x{(nuint)block:x} was overwritten (use after free or overflow) and points outside its page");

    /// <summary>Whether the page's blocks have a second word for the key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasKeyRoom(Page* page) =>
        Keyed && (TSpec.Alignment >= 2 * sizeof(nuint) || page->BlockSize >= (nuint)(2 * sizeof(nuint)));

    /// <summary>Marks a block being put on a list as freed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetKey(Page* page, void* block)
    {
        if (HasKeyRoom(page))
        {
            ((nuint*)block)[1] = Key;
        }
    }

    /// <summary>Clears the freed key of a block being handed out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ClearKey(Page* page, void* block)
    {
        if (HasKeyRoom(page))
        {
            ((nuint*)block)[1] = 0;
        }
    }

    /// <summary>Whether the block carries the freed key (maybe a double free: see <see cref="CheckNotFree"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasKey(Page* page, void* block) => HasKeyRoom(page) && ((nuint*)block)[1] == Key;

    /// <summary>
    /// A block being freed carries the key: throws if it really is free (on one of the page's lists
    /// or in its purged part), else returns (user data equal to the key). Any thread may call it:
    /// another thread's lists are read without their owner, every step checked, so a list changing
    /// under the walk can end it early, never send it outside the page.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CheckNotFree(Page* page, void* block)
    {
        if (IsFree(page, block))
        {
            HeapCheck<TSpec>.FailDoubleFree(block);
        }
    }

    /// <summary>Whether <paramref name="block"/> is on the page's FreeList or ThreadFree, or in its purged part.</summary>
    public static bool IsFree(Page* page, void* block) =>
        OnList(page, (void*)Volatile.Read(ref *(nint*)&page->FreeList), block)
        || OnList(page, (void*)Volatile.Read(ref page->ThreadFree), block)
        || (page->PurgedMask != 0 && PagePurge<TSpec>.IsInPurgedPart(page, block));

    private static bool OnList(Page* page, void* head, void* block)
    {
        var limit = page->Capacity;
        for (var p = head; p != null && limit-- > 0; p = Next(page, p))
        {
            if (p == block)
            {
                return true;
            }

            if (!IsBlockOf(page, p))
            {
                return false;
            }
        }

        return false;
    }

    private static nuint NewKey()
    {
        nuint key = 0;
        RandomNumberGenerator.Fill(new Span<byte>(&key, sizeof(nuint)));
        return key | 1;
    }
}
