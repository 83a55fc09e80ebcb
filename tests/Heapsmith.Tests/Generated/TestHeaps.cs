// Heaps declared through the generator for the compile-and-run tests: static and instance heaps,
// in a namespace, nested, in the global namespace, with and without `unsafe` on the class, with
// spaced and explicit size classes and several backends. Each has an adapter so one set of tests
// drives them all through their generated public members.
using Heapsmith;
using Heapsmith.Tests.Generated;

[HeapConfig(ClassesPerDoubling = 1, MinBlockSize = 8, Alignment = 8, MaxSmallSize = 32768, PageSize = 131072)]
internal static partial class GlobalPowersOfTwoHeap
{
}

namespace Heapsmith.Tests.Generated
{
    /// <summary>The members every heap under test offers, static or instance.</summary>
    internal unsafe interface ITestHeap
    {
        int Alignment { get; }
        int MaxSmallSize { get; }
        int SizeClassCount { get; }
        void* Alloc(nuint size);
        void* TryAlloc(nuint size);
        void* AllocZeroed(nuint count, nuint size);
        void* Realloc(void* ptr, nuint newSize);
        void* AlignedAlloc(nuint size, nuint alignment);
        void Free(void* ptr);
        void Free(void* ptr, nuint size);
        nuint UsableSize(void* ptr);
        nuint GoodSize(nuint size);
        long* AllocLongs(nuint count);
        void TouchStatsOwnsAndTrim(void* ptr);
    }

    [HeapConfig(Backend = HeapBackend.NativeMemory, ThreadSafe = false, Checks = HeapChecks.DoubleFree | HeapChecks.Junk, PurgeDelayMs = 0)]
    public sealed partial class FrameArena
    {
    }

    /// <summary>A heap capped at compile time (two segments).</summary>
    [HeapConfig(MemoryLimit = 8 << 20, PurgeDelayMs = -1)]
    public sealed unsafe partial class CappedArena
    {
    }

    internal static partial class Subsystems
    {
        [HeapConfig(ClassesPerDoubling = 8, MaxSmallSize = 65536, PageSize = 262144, SegmentSize = 16777216)]
        internal static unsafe partial class ParticleHeap
        {
        }

        [HeapConfig(SizeClasses = new[] { 32, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048, 3008 }, PageSize = 16384, SegmentSize = 1048576)]
        internal sealed unsafe partial class LevelArena
        {
        }
    }

    internal sealed unsafe class StaticAdapter : ITestHeap
    {
        private readonly Ops _ops;

        public StaticAdapter(Ops ops) => _ops = ops;

        public int Alignment => _ops.Alignment;
        public int MaxSmallSize => _ops.MaxSmallSize;
        public int SizeClassCount => _ops.SizeClassCount;
        public void* Alloc(nuint size) => _ops.Alloc(size);
        public void* TryAlloc(nuint size) => _ops.TryAlloc(size);
        public void* AllocZeroed(nuint count, nuint size) => _ops.AllocZeroed(count, size);
        public void* Realloc(void* ptr, nuint newSize) => _ops.Realloc(ptr, newSize);
        public void* AlignedAlloc(nuint size, nuint alignment) => _ops.AlignedAlloc(size, alignment);
        public void Free(void* ptr) => _ops.Free(ptr);
        public void Free(void* ptr, nuint size) => _ops.FreeSized(ptr, size);
        public nuint UsableSize(void* ptr) => _ops.UsableSize(ptr);
        public nuint GoodSize(nuint size) => _ops.GoodSize(size);
        public long* AllocLongs(nuint count) => _ops.AllocLongs(count);
        public void TouchStatsOwnsAndTrim(void* ptr) => _ops.Touch(ptr);

        public override string ToString() => _ops.Name;

        /// <summary>The static members of one heap class, as function pointers.</summary>
        internal sealed class Ops
        {
            public string Name = string.Empty;
            public int Alignment;
            public int MaxSmallSize;
            public int SizeClassCount;
            public delegate*<nuint, void*> Alloc;
            public delegate*<nuint, void*> TryAlloc;
            public delegate*<nuint, nuint, void*> AllocZeroed;
            public delegate*<void*, nuint, void*> Realloc;
            public delegate*<nuint, nuint, void*> AlignedAlloc;
            public delegate*<void*, void> Free;
            public delegate*<void*, nuint, void> FreeSized;
            public delegate*<void*, nuint> UsableSize;
            public delegate*<nuint, nuint> GoodSize;
            public delegate*<nuint, long*> AllocLongs;
            public delegate*<void*, void> Touch;
        }
    }

    internal sealed unsafe class FrameArenaAdapter : ITestHeap, System.IDisposable
    {
        private readonly FrameArena _heap = new();

        public int Alignment => FrameArena.Spec.Alignment;
        public int MaxSmallSize => FrameArena.MaxSmallSize;
        public int SizeClassCount => FrameArena.SizeClassCount;
        public void* Alloc(nuint size) => _heap.Alloc(size);
        public void* TryAlloc(nuint size) => _heap.TryAlloc(size);
        public void* AllocZeroed(nuint count, nuint size) => _heap.AllocZeroed(count, size);
        public void* Realloc(void* ptr, nuint newSize) => _heap.Realloc(ptr, newSize);
        public void* AlignedAlloc(nuint size, nuint alignment) => _heap.AlignedAlloc(size, alignment);
        public void Free(void* ptr) => _heap.Free(ptr);
        public void Free(void* ptr, nuint size) => _heap.Free(ptr, size);
        public nuint UsableSize(void* ptr) => _heap.UsableSize(ptr);
        public nuint GoodSize(nuint size) => _heap.GoodSize(size);
        public long* AllocLongs(nuint count) => _heap.Alloc<long>(count);

        public void TouchStatsOwnsAndTrim(void* ptr)
        {
            _ = _heap.Owns(ptr);
            _ = _heap.GetStats();
            _heap.Trim();
        }

        public void Dispose() => _heap.Dispose();

        public override string ToString() => nameof(FrameArena);
    }

    internal sealed unsafe class LevelArenaAdapter : ITestHeap, System.IDisposable
    {
        private readonly Subsystems.LevelArena _heap = new();

        public int Alignment => Subsystems.LevelArena.Spec.Alignment;
        public int MaxSmallSize => Subsystems.LevelArena.MaxSmallSize;
        public int SizeClassCount => Subsystems.LevelArena.SizeClassCount;
        public void* Alloc(nuint size) => _heap.Alloc(size);
        public void* TryAlloc(nuint size) => _heap.TryAlloc(size);
        public void* AllocZeroed(nuint count, nuint size) => _heap.AllocZeroed(count, size);
        public void* Realloc(void* ptr, nuint newSize) => _heap.Realloc(ptr, newSize);
        public void* AlignedAlloc(nuint size, nuint alignment) => _heap.AlignedAlloc(size, alignment);
        public void Free(void* ptr) => _heap.Free(ptr);
        public void Free(void* ptr, nuint size) => _heap.Free(ptr, size);
        public nuint UsableSize(void* ptr) => _heap.UsableSize(ptr);
        public nuint GoodSize(nuint size) => _heap.GoodSize(size);
        public long* AllocLongs(nuint count) => _heap.Alloc<long>(count);

        public void TouchStatsOwnsAndTrim(void* ptr)
        {
            _ = _heap.Owns(ptr);
            _ = _heap.GetStats();
            _heap.Trim();
        }

        public void Dispose() => _heap.Dispose();

        public override string ToString() => nameof(Subsystems.LevelArena);
    }

    /// <summary>Builds an adapter for every heap under test, by name (theory data).</summary>
    internal static unsafe class TestHeaps
    {
        public static readonly string[] Names = { "DefaultHeap", "FineHeap", "ExplicitHeap", "GlobalPowersOfTwoHeap", "ParticleHeap", "FrameArena", "LevelArena" };

        public static ITestHeap Create(string name) => name switch
        {
            "DefaultHeap" => new StaticAdapter(new()
            {
                Name = "DefaultHeap",
                Alignment = DefaultHeap.Spec.Alignment,
                MaxSmallSize = DefaultHeap.MaxSmallSize,
                SizeClassCount = DefaultHeap.SizeClassCount,
                Alloc = &DefaultHeap.Alloc,
                TryAlloc = &DefaultHeap.TryAlloc,
                AllocZeroed = &DefaultHeap.AllocZeroed,
                Realloc = &DefaultHeap.Realloc,
                AlignedAlloc = &DefaultHeap.AlignedAlloc,
                Free = &DefaultHeap.Free,
                FreeSized = &DefaultHeap.Free,
                UsableSize = &DefaultHeap.UsableSize,
                GoodSize = &DefaultHeap.GoodSize,
                AllocLongs = &DefaultHeap.Alloc<long>,
                Touch = &TouchDefault,
            }),
            "FineHeap" => new StaticAdapter(new()
            {
                Name = "FineHeap",
                Alignment = FineHeap.Spec.Alignment,
                MaxSmallSize = FineHeap.MaxSmallSize,
                SizeClassCount = FineHeap.SizeClassCount,
                Alloc = &FineHeap.Alloc,
                TryAlloc = &FineHeap.TryAlloc,
                AllocZeroed = &FineHeap.AllocZeroed,
                Realloc = &FineHeap.Realloc,
                AlignedAlloc = &FineHeap.AlignedAlloc,
                Free = &FineHeap.Free,
                FreeSized = &FineHeap.Free,
                UsableSize = &FineHeap.UsableSize,
                GoodSize = &FineHeap.GoodSize,
                AllocLongs = &FineHeap.Alloc<long>,
                Touch = &TouchFine,
            }),
            "ExplicitHeap" => new StaticAdapter(new()
            {
                Name = "ExplicitHeap",
                Alignment = ExplicitHeap.Spec.Alignment,
                MaxSmallSize = ExplicitHeap.MaxSmallSize,
                SizeClassCount = ExplicitHeap.SizeClassCount,
                Alloc = &ExplicitHeap.Alloc,
                TryAlloc = &ExplicitHeap.TryAlloc,
                AllocZeroed = &ExplicitHeap.AllocZeroed,
                Realloc = &ExplicitHeap.Realloc,
                AlignedAlloc = &ExplicitHeap.AlignedAlloc,
                Free = &ExplicitHeap.Free,
                FreeSized = &ExplicitHeap.Free,
                UsableSize = &ExplicitHeap.UsableSize,
                GoodSize = &ExplicitHeap.GoodSize,
                AllocLongs = &ExplicitHeap.Alloc<long>,
                Touch = &TouchExplicit,
            }),
            "GlobalPowersOfTwoHeap" => new StaticAdapter(new()
            {
                Name = "GlobalPowersOfTwoHeap",
                Alignment = GlobalPowersOfTwoHeap.Spec.Alignment,
                MaxSmallSize = GlobalPowersOfTwoHeap.MaxSmallSize,
                SizeClassCount = GlobalPowersOfTwoHeap.SizeClassCount,
                Alloc = &GlobalPowersOfTwoHeap.Alloc,
                TryAlloc = &GlobalPowersOfTwoHeap.TryAlloc,
                AllocZeroed = &GlobalPowersOfTwoHeap.AllocZeroed,
                Realloc = &GlobalPowersOfTwoHeap.Realloc,
                AlignedAlloc = &GlobalPowersOfTwoHeap.AlignedAlloc,
                Free = &GlobalPowersOfTwoHeap.Free,
                FreeSized = &GlobalPowersOfTwoHeap.Free,
                UsableSize = &GlobalPowersOfTwoHeap.UsableSize,
                GoodSize = &GlobalPowersOfTwoHeap.GoodSize,
                AllocLongs = &GlobalPowersOfTwoHeap.Alloc<long>,
                Touch = &TouchGlobal,
            }),
            "ParticleHeap" => new StaticAdapter(new()
            {
                Name = "ParticleHeap",
                Alignment = Subsystems.ParticleHeap.Spec.Alignment,
                MaxSmallSize = Subsystems.ParticleHeap.MaxSmallSize,
                SizeClassCount = Subsystems.ParticleHeap.SizeClassCount,
                Alloc = &Subsystems.ParticleHeap.Alloc,
                TryAlloc = &Subsystems.ParticleHeap.TryAlloc,
                AllocZeroed = &Subsystems.ParticleHeap.AllocZeroed,
                Realloc = &Subsystems.ParticleHeap.Realloc,
                AlignedAlloc = &Subsystems.ParticleHeap.AlignedAlloc,
                Free = &Subsystems.ParticleHeap.Free,
                FreeSized = &Subsystems.ParticleHeap.Free,
                UsableSize = &Subsystems.ParticleHeap.UsableSize,
                GoodSize = &Subsystems.ParticleHeap.GoodSize,
                AllocLongs = &Subsystems.ParticleHeap.Alloc<long>,
                Touch = &TouchParticle,
            }),
            "FrameArena" => new FrameArenaAdapter(),
            "LevelArena" => new LevelArenaAdapter(),
            _ => throw new System.ArgumentOutOfRangeException(nameof(name), name, "unknown test heap"),
        };

        private static void TouchDefault(void* p)
        {
            _ = DefaultHeap.Owns(p);
            _ = DefaultHeap.GetStats();
            DefaultHeap.Trim();
        }

        private static void TouchFine(void* p)
        {
            _ = FineHeap.Owns(p);
            _ = FineHeap.GetStats();
            FineHeap.Trim();
        }

        private static void TouchExplicit(void* p)
        {
            _ = ExplicitHeap.Owns(p);
            _ = ExplicitHeap.GetStats();
            ExplicitHeap.Trim();
        }

        private static void TouchGlobal(void* p)
        {
            _ = GlobalPowersOfTwoHeap.Owns(p);
            _ = GlobalPowersOfTwoHeap.GetStats();
            GlobalPowersOfTwoHeap.Trim();
        }

        private static void TouchParticle(void* p)
        {
            _ = Subsystems.ParticleHeap.Owns(p);
            _ = Subsystems.ParticleHeap.GetStats();
            Subsystems.ParticleHeap.Trim();
        }
    }
}
