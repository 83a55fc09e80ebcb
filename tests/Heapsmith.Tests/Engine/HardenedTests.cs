using System;
using System.Runtime.InteropServices;
using System.Threading;
using Heapsmith.Engine;
using HardenedSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.HardenedSpecParameters>;

namespace Heapsmith.Tests.Engine;

// HeapChecks.Hardened: the two defences glibc's default malloc has (the tcache key and
// safe-linking), on the free fast path and the alloc fast path (FreeLink.cs). A double free raises
// naming the block; a key in user data does not; a free-list link written after the free raises
// before the address it names is handed out; the heap keeps working after each.
public unsafe class HardenedTests
{
    /// <summary>A size no other test of this spec uses, so its page holds only this test's blocks.</summary>
    private const nuint Size = 200;

    [Fact]
    public void A_double_free_is_caught_on_the_fast_path()
    {
        var block = StaticHeap<HardenedSpec>.Alloc(Size);
        StaticHeap<HardenedSpec>.Free(block);
        var e = Assert.Throws<HeapCorruptionException>(() => StaticHeap<HardenedSpec>.Free(block));
        Assert.Equal((nint)block, e.Pointer);
        Assert.Contains("double free", e.Problem);

        // Pushed once: it comes back once.
        var first = StaticHeap<HardenedSpec>.Alloc(Size);
        var second = StaticHeap<HardenedSpec>.Alloc(Size);
        Assert.True(first == block && second != block);
        StaticHeap<HardenedSpec>.Free(first);
        StaticHeap<HardenedSpec>.Free(second);
        StillWorks();
    }

    [Fact]
    public void A_double_free_from_another_thread_is_caught()
    {
        // Freed by its owner, then again by another thread (the block is on the owner's free list).
        var block = StaticHeap<HardenedSpec>.Alloc(Size + 16);
        StaticHeap<HardenedSpec>.Free(block);
        Assert.IsType<HeapCorruptionException>(OnOtherThread(() => StaticHeap<HardenedSpec>.Free(block)));

        // Freed twice by another thread (the block is on the page's thread-free list).
        var other = StaticHeap<HardenedSpec>.Alloc(Size + 16);
        var caught = OnOtherThread(() =>
        {
            StaticHeap<HardenedSpec>.Free(other);
            StaticHeap<HardenedSpec>.Free(other);
        });
        Assert.Equal((nint)other, Assert.IsType<HeapCorruptionException>(caught).Pointer);
        StillWorks();
    }

    [Fact]
    public void User_data_equal_to_the_key_is_not_a_double_free()
    {
        var block = (nuint*)StaticHeap<HardenedSpec>.Alloc(Size + 32);
        block[1] = FreeLink<HardenedSpec>.Key;
        StaticHeap<HardenedSpec>.Free(block); // the key matches; the block is on no list: freed
        var first = StaticHeap<HardenedSpec>.Alloc(Size + 32);
        var second = StaticHeap<HardenedSpec>.Alloc(Size + 32);
        Assert.True(first == block && second != block, "the block was freed once");
        Assert.Equal((nuint)0, ((nuint*)first)[1]);

        var remote = (nuint*)StaticHeap<HardenedSpec>.Alloc(Size + 32);
        remote[1] = FreeLink<HardenedSpec>.Key;
        Assert.Null(OnOtherThread(() => StaticHeap<HardenedSpec>.Free(remote)));
        StaticHeap<HardenedSpec>.Free(first);
        StaticHeap<HardenedSpec>.Free(second);
        StillWorks();
    }

    [Fact]
    public void A_free_list_link_overwritten_after_free_is_caught_before_its_address_is_handed_out()
    {
        var target = NativeMemory.AllocZeroed(4096);
        try
        {
            // An attacker who writes a plain address, and one who knows the encoding and the
            // block's address: either way the address is not handed out.
            foreach (var encoded in new[] { false, true })
            {
                var a = StaticHeap<HardenedSpec>.Alloc(Size + 48);
                var b = StaticHeap<HardenedSpec>.Alloc(Size + 48);
                StaticHeap<HardenedSpec>.Free(a);
                StaticHeap<HardenedSpec>.Free(b); // the list is now b -> a -> ...
                *(nuint*)b = encoded ? FreeLink<HardenedSpec>.Encode(null, b, (nuint)target) : (nuint)target;
                Assert.True(StaticHeap<HardenedSpec>.Alloc(Size + 48) == b);
                var e = Assert.Throws<HeapCorruptionException>(() => { StaticHeap<HardenedSpec>.Alloc(Size + 48); });
                Assert.Contains("corrupted free list", e.Problem);
                if (encoded)
                {
                    Assert.Equal((nint)target, e.Pointer);
                }

                // The heap goes on (the rest of that page's list is dropped): new blocks, none the target.
                for (var i = 0; i < 100; i++)
                {
                    var block = StaticHeap<HardenedSpec>.Alloc(Size + 48);
                    Assert.True(block != target);
                    StaticHeap<HardenedSpec>.Free(block);
                }

                StaticHeap<HardenedSpec>.Free(b);
            }
        }
        finally
        {
            NativeMemory.Free(target);
        }

        StillWorks();
    }

    [Fact]
    public void A_link_forged_with_the_glibc_scheme_to_a_live_block_of_the_page_is_caught()
    {
        // Knowing the block's address is not enough: the link is also XORed with a secret, so a
        // link that glibc's safe-linking would decode to a live neighbour (an overlapping
        // allocation, an attacker's goal) decodes to garbage here.
        var victim = StaticHeap<HardenedSpec>.Alloc(Size + 64);
        var a = StaticHeap<HardenedSpec>.Alloc(Size + 64);
        var b = StaticHeap<HardenedSpec>.Alloc(Size + 64);
        StaticHeap<HardenedSpec>.Free(a);
        StaticHeap<HardenedSpec>.Free(b);
        *(nuint*)b = (nuint)victim ^ ((nuint)b >> 12);
        Assert.True(StaticHeap<HardenedSpec>.Alloc(Size + 64) == b);
        Assert.Contains("corrupted free list", Assert.Throws<HeapCorruptionException>(() => { StaticHeap<HardenedSpec>.Alloc(Size + 64); }).Problem);
        StaticHeap<HardenedSpec>.Free(b);
        StaticHeap<HardenedSpec>.Free(victim);
        StillWorks();
    }

    [Fact]
    public void A_fresh_page_hands_out_its_blocks_in_an_unpredictable_order()
    {
        using var arena = new ArenaHeap<HardenedSpec>();
        var blocks = new nint[40];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = (nint)arena.Alloc(72); // 80-byte blocks: 51 carved at a time
        }

        var ascending = 0;
        for (var i = 1; i < blocks.Length; i++)
        {
            ascending += blocks[i] == blocks[i - 1] + 80 ? 1 : 0;
        }

        Assert.True(ascending < blocks.Length / 2, $"{ascending} of {blocks.Length - 1} neighbours in address order");
        arena.Validate();
    }

    [Fact]
    public void A_thread_free_link_overwritten_is_caught_when_the_owner_collects_it()
    {
        var target = NativeMemory.AllocZeroed(4096);
        using var arena = new ArenaHeap<HardenedSpec>();
        try
        {
            var a = arena.Alloc(64);
            var b = arena.Alloc(64);
            var keep = arena.Alloc(64);
            Assert.Null(OnOtherThread(() =>
            {
                arena.Free(a);
                arena.Free(b); // the page's thread-free list is now b -> a
            }));
            *(nuint*)b = (nuint)target;
            var page = SegmentLayout<HardenedSpec>.PageOf(b);
            Assert.Throws<HeapCorruptionException>(() => SmallAlloc<HardenedSpec>.CollectThreadFree(page));
            Assert.Equal((nint)0, page->ThreadFree);

            // The arena goes on.
            for (var i = 0; i < 1000; i++)
            {
                var block = arena.Alloc(64);
                Assert.True(block != target);
                arena.Free(block);
            }

            arena.Free(keep);
        }
        finally
        {
            NativeMemory.Free(target);
        }
    }

    private static Exception? OnOtherThread(Action action)
    {
        Exception? caught = null;
        var thread = new Thread(() =>
        {
            try
            {
                action();
            }
            catch (Exception e)
            {
                caught = e;
            }
        });
        thread.Start();
        thread.Join();
        return caught;
    }

    private static void StillWorks()
    {
        var blocks = new nint[300];
        for (var i = 0; i < blocks.Length; i++)
        {
            var block = (byte*)StaticHeap<HardenedSpec>.Alloc((nuint)(16 + (i * 53)));
            block[0] = (byte)i;
            blocks[i] = (nint)block;
        }

        for (var i = 0; i < blocks.Length; i++)
        {
            Assert.Equal((byte)i, *(byte*)blocks[i]);
            StaticHeap<HardenedSpec>.Free((void*)blocks[i]);
        }
    }
}
