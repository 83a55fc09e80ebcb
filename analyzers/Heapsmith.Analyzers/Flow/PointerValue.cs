// One abstract pointer: which tracked block it points into and at what byte offset. The null
// pointer is the block id NullBlock. An offset is a constant number of bytes plus at most one
// symbolic term, `Scale × Term` for an integer variable (p + i), so that `q = p + n; q -= n`
// is known to be the start again; UnknownOffset when not known at all (&p->f, two terms).
// A term names the variable, not its value: whoever writes the variable must forget the term
// (HeapDataflow.ForgetTerm). A variable holds a small set of these (PointerValues), one per path.
using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Analyzers.Flow;

internal readonly struct PointerValue : IEquatable<PointerValue>
{
    public const int NullBlock = -1;

    /// <summary>A value this analysis does not follow (an unannotated call's result, say).</summary>
    public const int UnknownBlock = -2;
    public const long UnknownOffset = long.MinValue;

    public PointerValue(int block, long offset, ISymbol? term = null, long scale = 0)
    {
        Block = block;
        Offset = offset;
        Term = offset == UnknownOffset || scale == 0 ? null : term;
        Scale = Term is null ? 0 : scale;
    }

    public int Block { get; }

    /// <summary>Constant bytes from the start of the block (plus the term); <see cref="UnknownOffset"/> when not known.</summary>
    public long Offset { get; }

    /// <summary>The integer variable of the symbolic part of the offset, if any.</summary>
    public ISymbol? Term { get; }

    /// <summary>Bytes per unit of <see cref="Term"/> (the element size, negative for p - i).</summary>
    public long Scale { get; }

    /// <summary>The offset is a symbolic expression: not known, but known to be start + Scale × Term + Offset.</summary>
    public bool IsSymbolic => Term is not null;

    public bool IsNull => Block == NullBlock;

    public bool IsUnknown => Block == UnknownBlock;

    /// <summary>Points into a tracked block (neither null nor unknown).</summary>
    public bool IsBlock => Block >= 0;

    public bool IsKnownInterior => Offset != 0 && Offset != UnknownOffset && Term is null;

    public static PointerValue Null => new(NullBlock, 0);

    public PointerValue Shifted(long bytes) =>
        Offset == UnknownOffset || bytes == UnknownOffset ? new(Block, UnknownOffset) : new(Block, Offset + bytes, Term, Scale);

    /// <summary>Moved by <paramref name="scale"/> × <paramref name="term"/> bytes: a second, different term makes the offset unknown.</summary>
    public PointerValue ShiftedBy(ISymbol term, long scale)
    {
        if (Offset == UnknownOffset || (Term is not null && !SymbolEqualityComparer.Default.Equals(Term, term)))
        {
            return new(Block, UnknownOffset);
        }

        return new(Block, Offset, term, Scale + scale);
    }

    /// <summary>The symbolic part folded with the variable's known value, or dropped (unknown offset) when the variable changes.</summary>
    public PointerValue WithTermValue(long? value) =>
        Term is null ? this : value is { } known ? new(Block, Offset + (Scale * known)) : new(Block, UnknownOffset);

    public bool Equals(PointerValue other) =>
        Block == other.Block && Offset == other.Offset && Scale == other.Scale && SymbolEqualityComparer.Default.Equals(Term, other.Term);

    public override bool Equals(object? obj) => obj is PointerValue other && Equals(other);

    public override int GetHashCode() => (Block * 397) ^ Offset.GetHashCode() ^ (int)Scale;
}

/// <summary>Operations on the value set a variable holds (kept short: a few paths at most).</summary>
internal static class PointerValues
{
    /// <summary>Beyond this many distinct values a variable is no longer tracked (widening).</summary>
    public const int MaxValues = 8;

    public static readonly ImmutableArray<PointerValue> NullOnly = ImmutableArray.Create(PointerValue.Null);

    public static readonly ImmutableArray<PointerValue> UnknownOnly = ImmutableArray.Create(new PointerValue(PointerValue.UnknownBlock, 0));

    public static ImmutableArray<PointerValue> Single(int block) => ImmutableArray.Create(new PointerValue(block, 0));

    /// <summary>The union of two sets; <see cref="UnknownOnly"/> when either is unknown or it grows past <see cref="MaxValues"/>.</summary>
    public static ImmutableArray<PointerValue> Union(ImmutableArray<PointerValue> a, ImmutableArray<PointerValue> b)
    {
        if (IsUnknown(a) || IsUnknown(b))
        {
            return UnknownOnly;
        }

        if (SameSet(a, b) || b.IsEmpty)
        {
            return a;
        }

        var builder = ImmutableArray.CreateBuilder<PointerValue>(a.Length + b.Length);
        builder.AddRange(a);
        foreach (var value in b)
        {
            if (!builder.Contains(value))
            {
                builder.Add(value);
            }
        }

        return builder.Count > MaxValues ? UnknownOnly : builder.Count == builder.Capacity ? builder.MoveToImmutable() : builder.ToImmutable();
    }

    public static bool IsUnknown(ImmutableArray<PointerValue> values) => values.IsDefault || (values.Length == 1 && values[0].IsUnknown);

    public static bool SameSet(ImmutableArray<PointerValue> a, ImmutableArray<PointerValue> b)
    {
        if (a.IsDefault || b.IsDefault)
        {
            return a.IsDefault == b.IsDefault;
        }

        if (a.Length != b.Length)
        {
            return false;
        }

        foreach (var value in a)
        {
            if (!b.Contains(value))
            {
                return false;
            }
        }

        return true;
    }

    public static ImmutableArray<PointerValue> Shift(ImmutableArray<PointerValue> values, long bytes)
    {
        if (values.IsDefault)
        {
            return values;
        }

        var builder = ImmutableArray.CreateBuilder<PointerValue>(values.Length);
        foreach (var value in values)
        {
            builder.Add(value.IsBlock ? value.Shifted(bytes) : value);
        }

        return builder.MoveToImmutable();
    }

    public static ImmutableArray<PointerValue> ShiftBy(ImmutableArray<PointerValue> values, ISymbol term, long scale)
    {
        if (values.IsDefault)
        {
            return values;
        }

        var builder = ImmutableArray.CreateBuilder<PointerValue>(values.Length);
        foreach (var value in values)
        {
            builder.Add(value.IsBlock ? value.ShiftedBy(term, scale) : value);
        }

        return builder.MoveToImmutable();
    }
}
