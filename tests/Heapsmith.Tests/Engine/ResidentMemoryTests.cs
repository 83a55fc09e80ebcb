using System;
using System.Runtime.InteropServices;
using Heapsmith.Os;
using Heapsmith.Tests.Os;
using MmapSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.MmapSpecParameters>;

namespace Heapsmith.Tests.Engine;

// The statistics say memory went back; these tests ask the kernel. RSS is process-wide, so they run
// alone (the OS global-state collection is not parallelised with anything).
[Collection(OsGlobalStateCollection.Name)]
public unsafe class ResidentMemoryTests
{
    private const int Blocks = 60_000;

    [Fact]
    public void Free_and_Trim_return_most_of_a_working_set_to_the_OS()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // the anonymous RSS figure comes from /proc
        }

        using var arena = new ArenaHeap<MmapSpec>();
        var blocks = (byte**)NativeMemory.Alloc(Blocks, (nuint)sizeof(byte*));
        try
        {
            var before = ProcessMemory.AnonymousResidentBytes;
            var random = new Random(7);
            long requested = 0;
            for (var i = 0; i < Blocks; i++)
            {
                var size = (nuint)random.Next(16, 8192);
                blocks[i] = (byte*)arena.Alloc(size);
                new Span<byte>(blocks[i], (int)size).Fill(0xA5); // resident, not just reserved
                requested += (long)size;
            }

            var grown = ProcessMemory.AnonymousResidentBytes - before;
            Assert.True(grown > requested * 3 / 4, $"the working set is resident: grew {grown >> 20} MiB for {requested >> 20} MiB");

            for (var i = 0; i < Blocks; i++)
            {
                arena.Free(blocks[i]);
            }

            arena.Trim();
            var left = ProcessMemory.AnonymousResidentBytes - before;
            var stats = arena.GetStats();
            Assert.True(left < grown / 10, $"after Trim at most a tenth stays resident: {left >> 20} of {grown >> 20} MiB");
            Assert.True(stats.BytesCommitted < grown / 10, $"and the heap says so: {stats.BytesCommitted >> 20} MiB committed");
        }
        finally
        {
            NativeMemory.Free(blocks);
        }
    }

    [Fact]
    public void Dispose_unmaps_every_segment_of_an_arena()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var arena = new ArenaHeap<MmapSpec>();
        var first = (byte*)arena.Alloc(100);
        var large = (byte*)arena.Alloc(1 << 20);
        *first = 1;
        *large = 1;
        Assert.True(ProcessMemory.IsMapped(first, 1) && ProcessMemory.IsMapped(large, 1 << 20));
        arena.Dispose();
        Assert.False(ProcessMemory.IsMapped(first, 1), "the small block's segment is unmapped");
        Assert.Equal((nuint)0, ProcessMemory.MappedPageCount(large, 1 << 20));
    }
}
