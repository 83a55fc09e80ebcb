// An integer comparison of variables and constants, in a canonical form (`a > b` or `a == b`) so
// that `n > Limit`, `Limit < n` and the negation `n <= Limit` are one fact. FlowState keeps whether
// it holds on its paths until one of its variables is written: that is what correlates
// `if (n > Limit) p = Alloc(n); else p = stackalloc …; … if (n > Limit) Free(p);`.
using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers.Flow;

internal readonly struct Comparison : IEquatable<Comparison>
{
    private readonly bool _equality;
    private readonly SpecialType _type;

    /// <summary>An ISymbol (local or parameter) or a long constant.</summary>
    private readonly object _left;
    private readonly object _right;

    private Comparison(bool equality, SpecialType type, object left, object right)
    {
        _equality = equality;
        _type = type;
        _left = left;
        _right = right;
    }

    /// <summary>The canonical comparison of <paramref name="kind"/> over two operands, and whether the
    /// original holds when the canonical one does (false for `&lt;=`, `&gt;=`, `!=`).</summary>
    public static (Comparison Comparison, bool Same)? Of(BinaryOperatorKind kind, SpecialType type, object left, object right) => kind switch
    {
        BinaryOperatorKind.GreaterThan => (new Comparison(false, type, left, right), true),
        BinaryOperatorKind.LessThan => (new Comparison(false, type, right, left), true),
        BinaryOperatorKind.LessThanOrEqual => (new Comparison(false, type, left, right), false),
        BinaryOperatorKind.GreaterThanOrEqual => (new Comparison(false, type, right, left), false),
        BinaryOperatorKind.Equals => (Ordered(type, left, right), true),
        BinaryOperatorKind.NotEquals => (Ordered(type, left, right), false),
        _ => null,
    };

    /// <summary>`a == b` and `b == a` are one fact: a constant goes right, two variables by name and position.</summary>
    private static Comparison Ordered(SpecialType type, object left, object right)
    {
        if (left is long || (right is ISymbol r && left is ISymbol l && Key(l).CompareTo(Key(r)) > 0))
        {
            (left, right) = (right, left);
        }

        return new Comparison(true, type, left, right);
    }

    private static (string, int) Key(ISymbol symbol) =>
        (symbol.Name, symbol.Locations.Length > 0 ? symbol.Locations[0].SourceSpan.Start : -1);

    public bool Reads(ISymbol variable) =>
        (_left is ISymbol l && SymbolEqualityComparer.Default.Equals(l, variable))
        || (_right is ISymbol r && SymbolEqualityComparer.Default.Equals(r, variable));

    public bool Equals(Comparison other) =>
        _equality == other._equality && _type == other._type && Same(_left, other._left) && Same(_right, other._right);

    public override bool Equals(object? obj) => obj is Comparison other && Equals(other);

    public override int GetHashCode() => (((Hash(_left) * 31) + Hash(_right)) * 31) + (_equality ? 1 : 0) + ((int)_type * 7);

    private static bool Same(object a, object b) =>
        a is ISymbol x ? b is ISymbol y && SymbolEqualityComparer.Default.Equals(x, y) : a.Equals(b);

    private static int Hash(object operand) => operand is ISymbol symbol ? SymbolEqualityComparer.Default.GetHashCode(symbol) : operand.GetHashCode();
}
