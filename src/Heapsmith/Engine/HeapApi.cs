using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Engine;

// The generic (non-fast-path) operations shared by the static heap and arenas: dispatch by size to
// small pages, large runs and huge mappings; zeroed and aligned allocation; realloc with in-place
// growth and shrinking; free of any block; usable size and ownership through the segment map.
//
// Foreign pointers (checks off): a pointer outside every segment of this heap type, or in a
// segment of another heap of the same type (an arena vs the static heap, or two arenas), is
// ignored by Free, owned by no one (Owns false, UsableSize 0), and rejected by Realloc with an
// ArgumentException, since its contents cannot be copied safely. Neither heap is touched. A
// hardened heap raises on such a Free, and on a free of a run that is free already (both are
// off the fast path, so they cost nothing there).
internal static unsafe class HeapApi<TSpec>
    where TSpec : struct, IHeapSpec
{
    /// <summary>Allocates <paramref name="size"/> bytes on <paramref name="heap"/> (not null); null when the OS refuses.</summary>
    public static void* TryAlloc(HeapCore<TSpec> core, ThreadHeap* heap, nuint size)
    {
        size = HeapCheck<TSpec>.Padded(size);
        if (size <= (nuint)TSpec.MaxSmallSize)
        {
            return SmallAlloc<TSpec>.AllocClass(core, heap, TSpec.SizeClassOf(size));
        }

        return size <= SegmentLayout<TSpec>.LargeMax
            ? core.TryAllocLarge(size, out _)
            : core.TryAllocHuge(size, (nuint)TSpec.Alignment);
    }

    /// <summary>calloc: overflow-checked, zeroed; memory known to be zero is not cleared again.</summary>
    public static void* AllocZeroed(HeapCore<TSpec> core, ThreadHeap* heap, nuint count, nuint size)
    {
        if (size != 0 && count > nuint.MaxValue / size)
        {
            throw new OutOfMemoryException($"{TSpec.Name}: {count} x {size} bytes overflows the address space.");
        }

        var total = count * size;
        var served = HeapCheck<TSpec>.Padded(total);
        void* block;
        if (served <= (nuint)TSpec.MaxSmallSize)
        {
            block = SmallAlloc<TSpec>.AllocClass(core, heap, TSpec.SizeClassOf(served));
            if (block != null)
            {
                NativeMemory.Clear(block, total);
            }
        }
        else if (served <= SegmentLayout<TSpec>.LargeMax)
        {
            block = core.TryAllocLarge(served, out var zero);
            if (block != null && !zero)
            {
                NativeMemory.Clear(block, total);
            }
        }
        else
        {
            // A huge mapping is fresh from the OS: zero already.
            block = core.TryAllocHuge(served, (nuint)TSpec.Alignment);
        }

        return block != null ? block : throw OutOfMemory(core, total);
    }

    /// <summary>
    /// A block aligned to <paramref name="alignment"/>: a small class whose block size is a multiple
    /// of it (page units are aligned, so every block of such a page is), else a large run (unit
    /// aligned), else a huge mapping aligned as asked. Blocks always start where Free expects them.
    /// </summary>
    public static void* AlignedAlloc(HeapCore<TSpec> core, ThreadHeap* heap, nuint size, nuint alignment)
    {
        if (alignment == 0 || (alignment & (alignment - 1)) != 0)
        {
            throw new ArgumentException($"Alignment {alignment} is not a power of two.", nameof(alignment));
        }

        void* block = null;
        var served = HeapCheck<TSpec>.Padded(size);
        if (alignment <= (nuint)TSpec.Alignment)
        {
            block = TryAlloc(core, heap, size);
        }
        else if (served <= (nuint)TSpec.MaxSmallSize && alignment <= SegmentLayout<TSpec>.UnitSize && FirstAlignedClass(served, alignment) is var c and >= 0)
        {
            block = SmallAlloc<TSpec>.AllocClass(core, heap, c);
        }
        else if (alignment <= SegmentLayout<TSpec>.UnitSize && LargeGoodSize(served) <= SegmentLayout<TSpec>.LargeMax)
        {
            block = core.TryAllocLarge(LargeGoodSize(served), out _);
        }
        else
        {
            block = core.TryAllocHuge(served, alignment);
        }

        return block != null ? block : throw OutOfMemory(core, size);
    }

    private static nuint LargeGoodSize(nuint size) => size <= (nuint)TSpec.MaxSmallSize ? (nuint)TSpec.MaxSmallSize + 1 : size;

    private static int FirstAlignedClass(nuint size, nuint alignment)
    {
        for (var c = TSpec.SizeClassOf(size); c < TSpec.SizeClassCount; c++)
        {
            if (((nuint)TSpec.BlockSize(c) & (alignment - 1)) == 0)
            {
                return c;
            }
        }

        return -1;
    }

    /// <summary>Frees any block of this heap; <paramref name="page"/> is PageOf(p); <paramref name="heap"/> may be null.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Free(HeapCore<TSpec> core, ThreadHeap* heap, void* p, Page* page)
    {
        if (page == null || SegmentLayout<TSpec>.SegmentOfDescriptor(page)->HeapId != core.Id)
        {
            if (FreeLink<TSpec>.Guarded && p != null)
            {
                throw HeapCheck<TSpec>.Misuse(p, "free of memory this heap does not own (a foreign, stack or already unmapped pointer, or another heap's)");
            }

            return; // Null, or not a block of this heap: ignored (Checks.Ownership reported it before).
        }

        switch (page->Kind)
        {
            case PageKind.Small:
                if (heap != null && page->Heap == heap)
                {
                    SmallAlloc<TSpec>.FreeLocal(core, heap, page, p);
                }
                else if (TSpec.ThreadSafe)
                {
                    SmallAlloc<TSpec>.FreeRemote(page, p);
                    if (heap != null)
                    {
                        heap->Frees++;
                    }
                    else
                    {
                        core.CountHeaplessFree();
                    }
                }

                break;
            case PageKind.Large:
                core.FreeLarge(page);
                break;
            case PageKind.Huge:
                core.FreeHuge(page);
                break;
            default:
                if (FreeLink<TSpec>.Guarded)
                {
                    throw HeapCheck<TSpec>.Misuse(p, "double free (the block's pages are free)");
                }

                break; // A free span or the header: a double free or a bad pointer, ignored.
        }
    }

    /// <summary>
    /// Resizes <paramref name="p"/> in place when it can without a thread heap: a small block whose
    /// class still suits the new size, or a large run whose page units already hold it. False when
    /// the block must move (or is not a block of this heap, or checks are on): the caller then takes
    /// <see cref="Realloc"/>. Lets a buffer that grows by small steps skip the thread-heap lookup.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReallocInPlace(HeapCore<TSpec> core, void* p, nuint newSize)
    {
        if (HeapCheck<TSpec>.Enabled)
        {
            return false;
        }

        var page = SegmentLayout<TSpec>.PageOf(p);
        if (page == null || SegmentLayout<TSpec>.SegmentOfDescriptor(page)->HeapId != core.Id)
        {
            return false;
        }

        var usable = page->BlockSize;
        var served = HeapCheck<TSpec>.Padded(newSize);
        if (page->Kind == PageKind.Small)
        {
            return served <= usable && (served >= usable / 2 || HeapCore<TSpec>.GoodSize(served) == usable);
        }

        return page->Kind == PageKind.Large && served > (nuint)TSpec.MaxSmallSize && served <= SegmentLayout<TSpec>.LargeMax
            && core.TryResizeLargeWithinUnits(page, served);
    }

    /// <summary>Resizes a block, in place when it can; throws <see cref="OutOfMemoryException"/> leaving the block intact.</summary>
    public static void* Realloc(HeapCore<TSpec> core, ThreadHeap* heap, void* p, nuint newSize)
    {
        if (HeapCheck<TSpec>.Enabled)
        {
            HeapCheck<TSpec>.Validate(core, p, SegmentLayout<TSpec>.PageOf(p));
        }

        var page = BlockPage(core, p);
        if (page == null)
        {
            throw new ArgumentException($"{TSpec.Name}: 0x{(nuint)p:x} is not a block of this heap.", nameof(p));
        }

        // With canaries the old block's canary is checked before anything changes, and only the
        // bytes it was handed out for are copied.
        var usable = HeapCheck<TSpec>.HasCanary ? HeapCheck<TSpec>.RequestedSize(page, p) : page->BlockSize;
        var served = HeapCheck<TSpec>.Padded(newSize);
        var good = HeapCore<TSpec>.GoodSize(served);
        switch (page->Kind)
        {
            case PageKind.Small:
                var blockSize = page->BlockSize;
                if (served <= blockSize && (served >= blockSize / 2 || good == blockSize))
                {
                    return p;
                }

                break;
            case PageKind.Large:
                if (served > (nuint)TSpec.MaxSmallSize && served <= SegmentLayout<TSpec>.LargeMax && core.TryResizeLarge(page, served))
                {
                    return p;
                }

                break;
            default:
                var capacity = HeapCore<TSpec>.HugeCapacity(page);
                if (served > SegmentLayout<TSpec>.LargeMax && good <= capacity && good >= capacity / 2)
                {
                    page->BlockSize = good;
                    return p;
                }

                break;
        }

        var moved = TryAlloc(core, heap, newSize);
        if (moved == null)
        {
            throw OutOfMemory(core, newSize);
        }

        Buffer.MemoryCopy(p, moved, newSize, newSize < usable ? newSize : usable);
        if (HeapCheck<TSpec>.Enabled)
        {
            HeapCheck<TSpec>.BeforeFree(core, p, page);
        }

        Free(core, heap, p, page);
        return moved;
    }

    /// <summary>The usable size of a block of this heap (with canaries, the size it was handed out for); 0 for any other pointer.</summary>
    public static nuint UsableSize(HeapCore<TSpec> core, void* p)
    {
        var page = BlockPage(core, p);
        if (page == null)
        {
            return 0;
        }

        return HeapCheck<TSpec>.HasCanary ? HeapCheck<TSpec>.RequestedSize(page, p) : page->BlockSize;
    }

    /// <summary>Whether <paramref name="p"/> is the start of a block (live or freed) of this heap.</summary>
    public static bool Owns(HeapCore<TSpec> core, void* p)
    {
        var page = BlockPage(core, p);
        if (page == null)
        {
            return false;
        }

        return page->Kind == PageKind.Small ? SmallAlloc<TSpec>.IsBlockStart(page, p) : p == page->Start;
    }

    /// <summary>The page of a block of this heap (small page, large run, huge), or null.</summary>
    private static Page* BlockPage(HeapCore<TSpec> core, void* p)
    {
        var page = SegmentLayout<TSpec>.PageOf(p);
        if (page == null || SegmentLayout<TSpec>.SegmentOfDescriptor(page)->HeapId != core.Id)
        {
            return null;
        }

        return page->Kind is PageKind.Small or PageKind.Large or PageKind.Huge ? page : null;
    }

    /// <summary>A memory limit given at run time: 0 (none) or a positive byte count.</summary>
    public static long CheckMemoryLimit(long bytes) =>
        bytes >= 0 ? bytes : throw new ArgumentOutOfRangeException(nameof(bytes), bytes, $"{TSpec.Name}: a memory limit is 0 (none) or a positive number of bytes.");

    /// <summary>The exception for an allocation the memory limit or the OS refused.</summary>
    public static OutOfMemoryException OutOfMemory(HeapCore<TSpec> core, nuint size)
    {
        if (HeapCore<TSpec>.TakeLimitRefusal())
        {
            return new($"{TSpec.Name}: allocating {size} bytes would exceed the heap's memory limit of {core.MemoryLimit} bytes ({core.LimitedBytes} bytes committed); free blocks or call Trim() to make room.");
        }

        return new($"{TSpec.Name}: out of memory allocating {size} bytes.");
    }
}
