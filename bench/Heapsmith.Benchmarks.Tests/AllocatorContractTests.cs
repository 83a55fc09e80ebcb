using System.Collections.Generic;
using System.Linq;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Tests;

public class AllocatorContractTests
{
    public static TheoryData<AllocatorKind> AvailableAllocators()
    {
        var data = new TheoryData<AllocatorKind>();
        foreach (var kind in System.Enum.GetValues<AllocatorKind>().Where(AllocatorSet.IsAvailable))
        {
            data.Add(kind);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AvailableAllocators))]
    public void Blocks_are_aligned_distinct_and_keep_their_contents_through_realloc(AllocatorKind kind)
    {
        var check = new ContractCheck { MaxSize = kind == AllocatorKind.Baseline ? FreeListBaseline.MaxSize : 1u << 20 };
        AllocatorSet.Run(kind, ref check);
        Assert.Null(check.Failure);
    }

    [Fact]
    public void Multi_threaded_cases_leave_out_single_threaded_allocators()
    {
        var kinds = AllocatorSet.ForCase(multiThreaded: true).ToList();
        Assert.DoesNotContain(AllocatorKind.HeapsmithUnsync, kinds);
        Assert.DoesNotContain(AllocatorKind.Baseline, kinds);
        Assert.Contains(AllocatorKind.Glibc, kinds);
        Assert.Contains(AllocatorKind.Heapsmith, kinds);
    }

    [Fact]
    public void PInvoke_twins_come_only_when_asked_and_name_their_native()
    {
        Assert.DoesNotContain(AllocatorSet.ForCase(multiThreaded: false), AllocatorSet.IsPInvoke);
        foreach (var kind in AllocatorSet.ForCase(multiThreaded: false, withPInvoke: true).Where(AllocatorSet.IsPInvoke))
        {
            Assert.Contains(AllocatorSet.NativeOf(kind), AllocatorSet.ForCase(multiThreaded: false));
            Assert.Equal(AllocatorSet.IsAvailable(AllocatorSet.NativeOf(kind)), AllocatorSet.IsAvailable(kind));
        }
    }

    [Fact]
    public void Only_pair_cases_get_the_baseline_and_it_comes_first()
    {
        Assert.DoesNotContain(AllocatorKind.Baseline, AllocatorSet.ForCase(multiThreaded: false));
        Assert.Equal(AllocatorKind.Baseline, AllocatorSet.ForCase(multiThreaded: false, withBaseline: true).First());
    }

    [Fact]
    public void An_unavailable_competitor_says_why_and_is_skipped()
    {
        foreach (var kind in new[] { AllocatorKind.Mimalloc, AllocatorKind.Jemalloc, AllocatorKind.Tcmalloc, AllocatorKind.MimallocPInvoke })
        {
            if (AllocatorSet.IsAvailable(kind))
            {
                Assert.Null(AllocatorSet.UnavailableReason(kind));
                continue;
            }

            Assert.Contains("install the Debian package", AllocatorSet.UnavailableReason(kind));
            Assert.DoesNotContain(kind, AllocatorSet.ForCase(multiThreaded: false));
            var ignored = default(ContractCheck);
            Assert.Throws<System.InvalidOperationException>(() => AllocatorSet.Run(kind, ref ignored));
        }
    }

    [Fact]
    public void A_missing_library_loads_as_unavailable_without_throwing()
    {
        var library = NativeAllocatorLibrary.Load("libheapsmith-does-not-exist.so.9");
        Assert.False(library.IsLoaded);
        Assert.NotNull(library.LoadError);
        // The summary is the loader's one line, not the runtime's paragraph of advice.
        Assert.Contains("libheapsmith-does-not-exist.so.9", library.LoadErrorSummary);
        Assert.DoesNotContain('\n', library.LoadErrorSummary!);
        Assert.Equal(0, library.Export("malloc"));
    }

    private unsafe struct ContractCheck : IAllocatorWorkload
    {
        public string? Failure;
        public nuint MaxSize;

        public void Run<TAlloc>()
            where TAlloc : struct, IAllocator
        {
            var sizes = new nuint[] { 1, 8, 16, 17, 64, 100, 256, 1000, 1024, 4000, 4096 };
            var live = new List<nint>();
            var seen = new HashSet<nint>();
            foreach (var size in sizes)
            {
                var block = (byte*)TAlloc.Alloc(size);
                // 16-byte alignment, or 8 for blocks of 8 bytes or less (C asks no more; mimalloc gives 8).
                var alignment = size <= 8 ? 8 : 16;
                if (((nint)block & (alignment - 1)) != 0)
                {
                    Failure = $"block of {size} bytes not {alignment}-byte aligned";
                    return;
                }

                if (!seen.Add((nint)block))
                {
                    Failure = $"block of {size} bytes overlaps a live one";
                    return;
                }

                for (nuint i = 0; i < size; i++)
                {
                    block[i] = (byte)(size + i);
                }

                live.Add((nint)block);
            }

            for (var k = 0; k < sizes.Length; k++)
            {
                var size = sizes[k];
                var grown = (byte*)TAlloc.Realloc((void*)live[k], System.Math.Min(size * 2 + 16, MaxSize));
                for (nuint i = 0; i < size; i++)
                {
                    if (grown[i] != (byte)(size + i))
                    {
                        Failure = $"realloc of a {size}-byte block lost byte {i}";
                        return;
                    }
                }

                live[k] = (nint)grown;
            }

            foreach (var block in live)
            {
                TAlloc.Free((void*)block);
            }

            TAlloc.Free(null);
        }
    }
}
