// Who hands out and takes back a block: a [HeapConfig] heap type, one instance of an arena heap,
// NativeMemory (plain or aligned), Marshal's HGlobal or CoTaskMem. Two blocks may be freed by
// the same deallocator only if their allocators match (Matches).
using Microsoft.CodeAnalysis;

namespace Heapsmith.Analyzers.Flow;

internal enum AllocatorKind
{
    Heap,
    Arena,
    NativeMemory,
    NativeMemoryAligned,
    HGlobal,
    CoTaskMem,
}

internal sealed class Allocator
{
    public Allocator(AllocatorKind kind, INamedTypeSymbol? heapType = null, ISymbol? arenaInstance = null)
    {
        Kind = kind;
        HeapType = heapType;
        ArenaInstance = arenaInstance;
    }

    public AllocatorKind Kind { get; }

    /// <summary>The [HeapConfig] type for <see cref="AllocatorKind.Heap"/> and <see cref="AllocatorKind.Arena"/>.</summary>
    public INamedTypeSymbol? HeapType { get; }

    /// <summary>The variable holding the arena; null when the receiver is not a plain variable.</summary>
    public ISymbol? ArenaInstance { get; }

    /// <summary>True when a block from this allocator may be released by <paramref name="deallocator"/>.</summary>
    public bool Matches(Allocator deallocator)
    {
        if (Kind != deallocator.Kind)
        {
            return false;
        }

        if (Kind is AllocatorKind.Heap or AllocatorKind.Arena
            && !SymbolEqualityComparer.Default.Equals(HeapType, deallocator.HeapType))
        {
            return false;
        }

        // Two different arena variables are two different heaps; an unknown receiver matches.
        return Kind != AllocatorKind.Arena
            || ArenaInstance is null
            || deallocator.ArenaInstance is null
            || SymbolEqualityComparer.Default.Equals(ArenaInstance, deallocator.ArenaInstance);
    }

    /// <summary>"heap 'GameHeap'", "arena 'frame'", "NativeMemory", ...</summary>
    public string Describe() => Kind switch
    {
        AllocatorKind.Heap => "heap '" + HeapType?.Name + "'",
        AllocatorKind.Arena => ArenaInstance is null ? "arena '" + HeapType?.Name + "'" : "arena '" + ArenaInstance.Name + "' (" + HeapType?.Name + ")",
        AllocatorKind.NativeMemory => "NativeMemory",
        AllocatorKind.NativeMemoryAligned => "NativeMemory (aligned)",
        AllocatorKind.HGlobal => "Marshal (HGlobal)",
        _ => "Marshal (CoTaskMem)",
    };

    /// <summary>The call that releases a block of this allocator, for advice in messages.</summary>
    public string Deallocator() => Kind switch
    {
        AllocatorKind.Heap => HeapType?.Name + ".Free",
        AllocatorKind.Arena => (ArenaInstance?.Name ?? HeapType?.Name) + ".Free",
        AllocatorKind.NativeMemory => "NativeMemory.Free",
        AllocatorKind.NativeMemoryAligned => "NativeMemory.AlignedFree",
        AllocatorKind.HGlobal => "Marshal.FreeHGlobal",
        _ => "Marshal.FreeCoTaskMem",
    };
}
