using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>
/// The dispatch of <see cref="OsMemory"/> and its fault injection, for every backend this OS
/// supports: injected refusals come back as null / false, and the backend serves normally after.
/// </summary>
[Collection(OsGlobalStateCollection.Name)]
public sealed unsafe class OsMemoryTests
{
    private const nuint Size = 256 * 1024;
    private const nuint Alignment = 64 * 1024;

    public static TheoryData<HeapBackend> SupportedBackends()
    {
        var data = new TheoryData<HeapBackend>();
        foreach (var backend in new[] { HeapBackend.Mmap, HeapBackend.Brk, HeapBackend.NativeMemory })
        {
            if (OsMemory.IsSupported(backend))
            {
                data.Add(backend);
            }
        }

        return data;
    }

    [Fact]
    public void Support_follows_the_operating_system()
    {
        Assert.True(OsMemory.IsSupported(HeapBackend.Mmap));
        Assert.True(OsMemory.IsSupported(HeapBackend.NativeMemory));
        Assert.Equal(System.OperatingSystem.IsLinux(), OsMemory.IsSupported(HeapBackend.Brk));
        Assert.False(OsMemory.IsSupported((HeapBackend)99));
    }

    [Theory]
    [MemberData(nameof(SupportedBackends))]
    public void Refused_calls_return_null_and_the_backend_serves_again(HeapBackend backend)
    {
        try
        {
            OsMemory.RefuseNext(2);
            Assert.True(OsMemory.Reserve(backend, Size, Alignment) == null);
            Assert.False(OsMemory.Commit(backend, null, Size));

            var p = OsMemory.Reserve(backend, Size, Alignment);
            Assert.True(p != null, "the third call is served");
            Assert.Equal(0UL, (ulong)p % Alignment);
            Patterns.Fill(p, Size, key: 11);
            Assert.Equal(-1L, Patterns.FirstMismatch(p, Size, key: 11));

            OsMemory.RefuseNext(-1);
            for (var i = 0; i < 5; i++)
            {
                Assert.True(OsMemory.Reserve(backend, Size, Alignment) == null);
            }

            // Purge and release are never refused: memory can always be given back.
            OsMemory.Purge(backend, p, Size);
            Assert.Equal(-1L, Patterns.FirstNonZero(p, Size));
            OsMemory.Release(backend, p, Size);

            OsMemory.RefuseNext(0);
            var q = OsMemory.Reserve(backend, Size, Alignment);
            Assert.True(q != null);
            OsMemory.Release(backend, q, Size);
        }
        finally
        {
            OsMemory.RefuseNext(0);
        }
    }

    [Fact]
    public void Mmap_dispatch_maps_and_unmaps()
    {
        var p = OsMemory.Reserve(HeapBackend.Mmap, Size, Alignment);
        Assert.True(p != null);
        Assert.True(ProcessMemory.IsMapped(p, Size));
        OsMemory.Release(HeapBackend.Mmap, p, Size);
        Assert.Equal((nuint)0, ProcessMemory.MappedPageCount(p, Size));
    }
}
