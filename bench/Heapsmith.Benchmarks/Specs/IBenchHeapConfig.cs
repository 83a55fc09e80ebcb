namespace Heapsmith.Benchmarks.Specs;

// The few settings in which the bench's heaps differ; HandSpec<TConfig> derives everything else.
// Each implementation mirrors one [HeapConfig] declared in BenchHeaps.cs (a test holds them equal).

/// <summary>Configuration of one hand-written bench heap spec.</summary>
internal interface IBenchHeapConfig
{
    static abstract string Name { get; }

    static abstract int ClassesPerDoubling { get; }

    static abstract bool ThreadSafe { get; }
}

/// <summary>The default [HeapConfig]: 36 jemalloc-spaced classes up to 16 KiB, thread-safe.</summary>
internal readonly struct DefaultHeapConfig : IBenchHeapConfig
{
    public static string Name => "Heapsmith.Benchmarks.BenchHeap";

    public static int ClassesPerDoubling => HeapConfigAttribute.DefaultClassesPerDoubling;

    public static bool ThreadSafe => true;
}

/// <summary>The default classes with <c>ThreadSafe = false</c>: no atomics, one thread only.</summary>
internal readonly struct UnsyncHeapConfig : IBenchHeapConfig
{
    public static string Name => "Heapsmith.Benchmarks.BenchHeapUnsync";

    public static int ClassesPerDoubling => HeapConfigAttribute.DefaultClassesPerDoubling;

    public static bool ThreadSafe => false;
}

/// <summary>Powers of two only (<c>ClassesPerDoubling = 1</c>): fewer classes, more internal waste.</summary>
internal readonly struct PowersOfTwoHeapConfig : IBenchHeapConfig
{
    public static string Name => "Heapsmith.Benchmarks.BenchHeapPow2";

    public static int ClassesPerDoubling => 1;

    public static bool ThreadSafe => true;
}
