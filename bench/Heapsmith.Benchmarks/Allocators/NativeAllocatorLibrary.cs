using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapsmith.Benchmarks.Allocators;

// Loads a competitor's shared library with NativeLibrary (dlopen, RTLD_LOCAL), so it serves only
// the calls this benchmark makes through its exports and never replaces the process's malloc (the
// runtime keeps using glibc). A library that is not installed or cannot load leaves a zero handle
// and a reason; the allocator then reports itself unavailable and its cases are skipped.

/// <summary>A competitor allocator's shared library and the reason it did not load, if it did not.</summary>
internal sealed class NativeAllocatorLibrary
{
    private NativeAllocatorLibrary(string fileName, nint handle, string? loadError)
    {
        FileName = fileName;
        Handle = handle;
        LoadError = loadError;
    }

    /// <summary>The file name given to dlopen, e.g. <c>libmimalloc.so.2</c>.</summary>
    public string FileName { get; }

    /// <summary>The dlopen handle, or zero when the library is unavailable.</summary>
    public nint Handle { get; }

    /// <summary>Why the library is unavailable (null when it loaded).</summary>
    public string? LoadError { get; }

    public bool IsLoaded => Handle != 0;

    /// <summary>The loader's own words (dlerror, the last line of the runtime's long message), or null.</summary>
    public string? LoadErrorSummary =>
        LoadError?.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } lines ? lines[^1] : LoadError;

    /// <summary>Loads <paramref name="fileName"/>; never throws.</summary>
    public static NativeAllocatorLibrary Load(string fileName)
    {
        if (!OperatingSystem.IsLinux())
        {
            return new NativeAllocatorLibrary(fileName, 0, "only the Linux shared library is wired up");
        }

        try
        {
            return new NativeAllocatorLibrary(fileName, NativeLibrary.Load(fileName), null);
        }
        catch (DllNotFoundException e)
        {
            return new NativeAllocatorLibrary(fileName, 0, e.Message);
        }
        catch (BadImageFormatException e)
        {
            return new NativeAllocatorLibrary(fileName, 0, e.Message);
        }
    }

    /// <summary>The address of an exported function, or zero when the library or the symbol is missing.</summary>
    public nint Export(string name) => Handle != 0 && NativeLibrary.TryGetExport(Handle, name, out var address) ? address : 0;

    /// <summary>Returns <paramref name="block"/>, or throws as Alloc must when the allocator failed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void* NotNull(void* block) => block != null ? block : ThrowOutOfMemory();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void* ThrowOutOfMemory() => throw new OutOfMemoryException();
}
