using System;
using System.Collections.Generic;
using System.Linq;
using CsCheck;
using CheckedSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.CheckedSpecParameters>;
using ModelSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.ModelSpecParameters>;
using SingleSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SingleThreadSpecParameters>;

namespace Heapsmith.Tests.Engine;

// Model-based random testing (CsCheck): random sequences of alloc, zeroed alloc, aligned alloc,
// realloc and free (sized and unsized) run against a model of the live blocks. After every step: every live block is
// distinct, non-overlapping, aligned, at least as large as asked, and still holds its fill
// pattern; CsCheck shrinks a failing sequence to a minimal one.
public unsafe class ModelTests
{
    /// <summary>One step: Kind picks the operation, Size the request, Index the block it applies to.</summary>
    public readonly record struct Step(int Kind, int Size, int Index, int AlignmentShift);

    private static readonly Gen<int> Sizes = Gen.Frequency(
        (8, Gen.Int[0, 512]),
        (3, Gen.Int[513, 16384]),
        (2, Gen.Int[16385, 400_000]),
        (1, Gen.Int[2_100_000, 3_000_000]));

    private static readonly Gen<Step[]> Steps =
        Gen.Select(Gen.Int[0, 10], Sizes, Gen.Int[0, 1000], Gen.Int[4, 17], (kind, size, index, shift) => new Step(kind, size, index, shift)).Array[1, 80];

    [Fact]
    public void Thread_safe_arena_matches_the_model() =>
        Steps.Sample(steps =>
        {
            using var arena = new ArenaHeap<ModelSpec>();
            Run(steps, new ArenaOps<ModelSpec>(arena));
        }, iter: 80);

    [Fact]
    public void Single_threaded_arena_matches_the_model() =>
        Steps.Sample(steps =>
        {
            using var arena = new ArenaHeap<SingleSpec>();
            Run(steps, new ArenaOps<SingleSpec>(arena));
        }, iter: 80);

    [Fact]
    public void Arena_with_every_check_on_matches_the_model() =>
        Steps.Sample(steps =>
        {
            using var arena = new ArenaHeap<CheckedSpec>();
            Run(steps, new ArenaOps<CheckedSpec>(arena));
        }, iter: 80);

    [Fact]
    public void Static_heap_matches_the_model()
    {
        Steps.Sample(steps => Run(steps, new StaticOps<ModelSpec>()), iter: 80);
        StaticHeap<ModelSpec>.Validate(); // once no sample runs (samples run on several threads at once)
    }

    /// <summary>Steps between two walks of the whole heap (Validate), besides one after every run (runs are 1 to 80 steps).</summary>
    private const int ValidateEvery = 25;

    private static void Run(Step[] steps, IHeapOps heap)
    {
        var live = new List<(nint Block, int Size, byte Fill, int Alignment)>();
        var counter = 0;
        try
        {
            foreach (var step in steps)
            {
                var fill = (byte)(1 + (counter++ % 255));
                switch (step.Kind)
                {
                    case <= 3:
                        live.Add(Filled(heap.Alloc((nuint)step.Size), step.Size, fill, 16));
                        break;
                    case 4:
                        {
                            var block = (byte*)heap.AllocZeroed((nuint)step.Size, 1);
                            Assert.True(new Span<byte>(block, step.Size).IndexOfAnyExcept((byte)0) < 0, "AllocZeroed memory is not zero");
                            live.Add(Filled(block, step.Size, fill, 16));
                            break;
                        }

                    case 5:
                        {
                            var alignment = 1 << step.AlignmentShift;
                            live.Add(Filled(heap.AlignedAlloc((nuint)step.Size, (nuint)alignment), step.Size, fill, alignment));
                            break;
                        }

                    case <= 7 when live.Count > 0:
                        {
                            var index = step.Index % live.Count;
                            var (block, size, oldFill, _) = live[index];
                            var moved = (byte*)heap.Realloc((void*)block, (nuint)step.Size);
                            var kept = Math.Min(size, step.Size);
                            Assert.True(new Span<byte>(moved, kept).IndexOfAnyExcept(oldFill) < 0, "Realloc lost the contents");
                            live[index] = Filled(moved, step.Size, fill, 16);
                            break;
                        }

                    case > 7 when live.Count > 0:
                        {
                            var index = step.Index % live.Count;
                            if (step.Size % 2 == 0)
                            {
                                heap.Free((void*)live[index].Block, (nuint)live[index].Size);
                            }
                            else
                            {
                                heap.Free((void*)live[index].Block);
                            }

                            live[index] = live[^1];
                            live.RemoveAt(live.Count - 1);
                            break;
                        }
                }

                CheckInvariants(heap, live);
                if (counter % ValidateEvery == 0)
                {
                    heap.Validate();
                }
            }

            heap.Validate();
        }
        finally
        {
            foreach (var item in live)
            {
                heap.Free((void*)item.Block);
            }
        }
    }

    private static (nint, int, byte, int) Filled(void* block, int size, byte fill, int alignment)
    {
        new Span<byte>(block, size).Fill(fill);
        return ((nint)block, size, fill, alignment);
    }

    private static void CheckInvariants(IHeapOps heap, List<(nint Block, int Size, byte Fill, int Alignment)> live)
    {
        var ranges = live.Select(item => (Start: (nuint)item.Block, End: (nuint)item.Block + heap.UsableSize((void*)item.Block))).OrderBy(r => r.Start).ToArray();
        for (var i = 1; i < ranges.Length; i++)
        {
            Assert.True(ranges[i - 1].End <= ranges[i].Start, $"blocks 0x{ranges[i - 1].Start:x} and 0x{ranges[i].Start:x} overlap");
        }

        foreach (var (block, size, fill, alignment) in live)
        {
            Assert.True(heap.Owns((void*)block), $"0x{block:x} is not owned");
            Assert.True(heap.UsableSize((void*)block) >= (nuint)size, $"0x{block:x}: usable size below {size}");
            Assert.True((ulong)block % (ulong)alignment == 0, $"0x{block:x} is not aligned to {alignment}");
            Assert.True(new Span<byte>((void*)block, size).IndexOfAnyExcept(fill) < 0, $"0x{block:x} ({size} bytes) was overwritten");
        }
    }

    private interface IHeapOps
    {
        void* Alloc(nuint size);

        void* AllocZeroed(nuint count, nuint size);

        void* AlignedAlloc(nuint size, nuint alignment);

        void* Realloc(void* block, nuint size);

        void Free(void* block);

        void Free(void* block, nuint size);

        nuint UsableSize(void* block);

        bool Owns(void* block);

        void Validate();
    }

    private sealed class ArenaOps<TSpec>(ArenaHeap<TSpec> arena) : IHeapOps
        where TSpec : struct, IHeapSpec
    {
        public void* Alloc(nuint size) => arena.Alloc(size);

        public void* AllocZeroed(nuint count, nuint size) => arena.AllocZeroed(count, size);

        public void* AlignedAlloc(nuint size, nuint alignment) => arena.AlignedAlloc(size, alignment);

        public void* Realloc(void* block, nuint size) => arena.Realloc(block, size);

        public void Free(void* block) => arena.Free(block);

        public void Free(void* block, nuint size) => arena.Free(block, size);

        public nuint UsableSize(void* block) => arena.UsableSize(block);

        public bool Owns(void* block) => arena.Owns(block);

        public void Validate() => arena.Validate();
    }

    private sealed class StaticOps<TSpec> : IHeapOps
        where TSpec : struct, IHeapSpec
    {
        public void* Alloc(nuint size) => StaticHeap<TSpec>.Alloc(size);

        public void* AllocZeroed(nuint count, nuint size) => StaticHeap<TSpec>.AllocZeroed(count, size);

        public void* AlignedAlloc(nuint size, nuint alignment) => StaticHeap<TSpec>.AlignedAlloc(size, alignment);

        public void* Realloc(void* block, nuint size) => StaticHeap<TSpec>.Realloc(block, size);

        public void Free(void* block) => StaticHeap<TSpec>.Free(block);

        public void Free(void* block, nuint size) => StaticHeap<TSpec>.Free(block, size);

        public nuint UsableSize(void* block) => StaticHeap<TSpec>.UsableSize(block);

        public bool Owns(void* block) => StaticHeap<TSpec>.Owns(block);

        /// <summary>Nothing while samples run: they share the static heap from several threads, and a walk is exact only when none is running.</summary>
        public void Validate()
        {
        }
    }
}
