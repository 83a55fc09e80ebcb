namespace Heapsmith.Benchmarks.Allocators;

// A native competitor is measured two ways. Its own struct (GlibcAllocator, MimallocAllocator, ...)
// calls the library through `delegate* unmanaged[Cdecl, SuppressGCTransition]` function pointers
// from dlsym: no managed/native transition, the cheapest call .NET can make (what a C program pays,
// plus an indirect call). PInvokeAllocator<T> calls the same exports through [LibraryImport]
// declarations, as a C# program that P/Invokes the library does: each call pays the GC transition
// (a frame pushed, the thread marked preemptive and back, a GC poll on return).
// SuppressGCTransition is only safe for calls that never block for long; malloc may take a lock or
// map memory, which in a real program can hold up a GC. Users reach for P/Invoke; the benchmark
// shows the natives at their fastest too, so that Heapsmith is compared to the best case.

/// <summary>A native allocator that also exposes its exports through ordinary P/Invoke declarations.</summary>
internal unsafe interface INativeAllocator : IAllocator
{
    /// <summary>malloc through a [LibraryImport] (with the GC transition).</summary>
    static abstract void* PInvokeAlloc(nuint size);

    /// <summary>free through a [LibraryImport] (with the GC transition).</summary>
    static abstract void PInvokeFree(void* block);

    /// <summary>realloc through a [LibraryImport] (with the GC transition).</summary>
    static abstract void* PInvokeRealloc(void* block, nuint newSize);
}
