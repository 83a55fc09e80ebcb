using System;

namespace Heapsmith;

/// <summary>
/// A misuse a heap's <see cref="HeapChecks"/> detected: a double free, a free of memory the heap
/// does not own, an overrun past a block's requested size. The heap is left consistent: the
/// offending operation did nothing.
/// </summary>
public sealed class HeapCorruptionException : Exception
{
    /// <summary>Creates the exception for <paramref name="pointer"/> in heap <paramref name="heapName"/>.</summary>
    public HeapCorruptionException(string heapName, nint pointer, string problem)
        : base($"Heap '{heapName}': {problem} (pointer 0x{pointer:x}).")
    {
        HeapName = heapName;
        Pointer = pointer;
        Problem = problem;
    }

    /// <summary>Creates an exception with a message only.</summary>
    public HeapCorruptionException(string message) : base(message)
    {
        HeapName = string.Empty;
        Problem = message;
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public HeapCorruptionException(string message, Exception innerException) : base(message, innerException)
    {
        HeapName = string.Empty;
        Problem = message;
    }

    /// <summary>The heap that detected the misuse.</summary>
    public string HeapName { get; }

    /// <summary>The pointer that was misused.</summary>
    public nint Pointer { get; }

    /// <summary>What was wrong, in words.</summary>
    public string Problem { get; }
}
