// Where a tracked block came from. Owned origins (an allocator, an [OwnershipReturns] call) must
// be freed or handed over; the others (stack, address of a variable, fixed, a parameter) are not
// the method's to free. Origins are immutable and shared between flow states.
using Microsoft.CodeAnalysis;

namespace Heapsmith.Analyzers.Flow;

internal enum OriginKind
{
    /// <summary>From an allocator (see <see cref="BlockOrigin.Allocator"/>).</summary>
    Allocated,

    /// <summary>From a call annotated (or inferred) [OwnershipReturns] with no known allocator.</summary>
    Returned,

    /// <summary>A pointer parameter: borrowed, the caller owns it.</summary>
    Parameter,

    /// <summary>In a lambda or local function body: what a captured variable of the caller held on entry (borrowed).</summary>
    Captured,

    /// <summary>stackalloc.</summary>
    Stack,

    /// <summary>&amp;variable.</summary>
    AddressOf,

    /// <summary>A pointer declared by a fixed statement.</summary>
    Fixed,

    /// <summary>The address of an object pinned by a GCHandle (AddrOfPinnedObject).</summary>
    Pinned,
}

internal sealed class BlockOrigin
{
    public BlockOrigin(OriginKind kind, SyntaxNode site, string source, string holder, Allocator? allocator = null, VarKey? addressTarget = null)
    {
        Kind = kind;
        Site = site;
        Source = source;
        Holder = holder;
        Allocator = allocator;
        AddressTarget = addressTarget;
    }

    public OriginKind Kind { get; }

    /// <summary>The allocating call (or stackalloc, &amp;, parameter declaration).</summary>
    public SyntaxNode Site { get; }

    /// <summary>What produced the block, for messages: "GameHeap.Alloc", "stackalloc".</summary>
    public string Source { get; }

    /// <summary>The variable the block was first stored in, for messages.</summary>
    public string Holder { get; }

    public Allocator? Allocator { get; }

    /// <summary>For &amp;variable: the variable, so that *pp reads and writes it.</summary>
    public VarKey? AddressTarget { get; }

    /// <summary>The method owns the block: freeing it is right, and freeing it twice is wrong.</summary>
    public bool IsOwned => Kind is OriginKind.Allocated or OriginKind.Returned;

    /// <summary>The block must be freed or handed over before the method ends (arena blocks go with the arena).</summary>
    public bool NeedsFree => IsOwned && Allocator?.Kind != AllocatorKind.Arena;

    /// <summary>Not memory any deallocator owns: freeing it is always wrong.</summary>
    public bool IsUnownedMemory => Kind is OriginKind.Stack or OriginKind.AddressOf or OriginKind.Fixed or OriginKind.Pinned;

    public string DescribeMemory() => Kind switch
    {
        OriginKind.Stack => "stack memory from stackalloc",
        OriginKind.AddressOf => "the address of a variable",
        OriginKind.Fixed => "memory pinned by a fixed statement",
        OriginKind.Pinned => "an object pinned by a GCHandle",
        OriginKind.Allocated => "a block of " + Allocator!.Describe(),
        _ => "a block from " + Source,
    };
}
