namespace Heapsmith.Benchmarks;

// The heaps the benchmark measures, declared as users declare them; the adapters in
// Allocators/HeapsmithAllocators.cs call their generated members.

/// <summary>Default configuration: jemalloc-spaced classes up to 16 KiB, thread-safe.</summary>
[HeapConfig]
internal static unsafe partial class BenchHeap
{
}

/// <summary>Default classes for one thread: no atomics, no thread caches.</summary>
[HeapConfig(ThreadSafe = false)]
internal static unsafe partial class BenchHeapUnsync
{
}

/// <summary>Powers of two only: 11 classes, more internal waste, fewer pages in use.</summary>
[HeapConfig(ClassesPerDoubling = 1)]
internal static unsafe partial class BenchHeapPow2
{
}

/// <summary>The default configuration as an instance heap (arena): one per process, shared by all threads.</summary>
[HeapConfig]
internal sealed unsafe partial class BenchArena
{
}
