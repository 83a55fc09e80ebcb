// What is known about one tracked block on the paths reaching a program point: the set of
// states it may be in (a may-set: "maybe freed" is Freed together with another state) and the
// operation that freed it, for messages. Immutable.
using System;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Analyzers.Flow;

[Flags]
internal enum BlockStates : byte
{
    None = 0,

    /// <summary>Owned here and not yet freed or handed over.</summary>
    Live = 1,

    /// <summary>Freed here (or taken by an [OwnershipTakes] callee).</summary>
    Freed = 2,

    /// <summary>Handed over (stored where it outlives the method, returned): no leak, still usable.</summary>
    Escaped = 4,

    /// <summary>The pointer was seen to be null (a failed TryAlloc): nothing to free.</summary>
    Null = 8,

    /// <summary>Released with its arena's Dispose().</summary>
    Released = 16,

    /// <summary>Handed to a callee that frees it on some of its paths only: a later free may be a
    /// double free, while a later use is not reported (the callee may have kept it instead).</summary>
    MaybeTaken = 32,
}

internal sealed class BlockFacts : IEquatable<BlockFacts>
{
    public BlockFacts(BlockOrigin origin, BlockStates states, SyntaxNode? freedBy)
    {
        Origin = origin;
        States = states;
        FreedBy = freedBy;
    }

    public BlockOrigin Origin { get; }

    public BlockStates States { get; }

    /// <summary>The call that freed (or released, or took) the block on some path.</summary>
    public SyntaxNode? FreedBy { get; }

    public bool MayBeFreed => (States & (BlockStates.Freed | BlockStates.Released)) != 0;

    /// <summary>A free here may free it again: freed, released, or handed to a callee that frees it on some paths.</summary>
    public bool FreeMayRepeat => (States & (BlockStates.Freed | BlockStates.Released | BlockStates.MaybeTaken)) != 0;

    public BlockFacts With(BlockStates states, SyntaxNode? freedBy) => new(Origin, states, freedBy ?? FreedBy);

    /// <summary>The union; this very instance when <paramref name="other"/> adds nothing (joins test that by reference).</summary>
    public BlockFacts Join(BlockFacts other)
    {
        var states = States | other.States;
        var freedBy = FreedBy ?? other.FreedBy;
        return states == States && freedBy == FreedBy ? this : new(Origin, states, freedBy);
    }

    public bool Equals(BlockFacts? other) =>
        other is not null && ReferenceEquals(Origin, other.Origin) && States == other.States && FreedBy == other.FreedBy;

    public override bool Equals(object? obj) => Equals(obj as BlockFacts);

    public override int GetHashCode() => ((int)States * 31) + Origin.GetHashCode();
}
