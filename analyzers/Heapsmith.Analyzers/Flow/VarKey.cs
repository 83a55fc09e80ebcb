// A storage place the dataflow tracks: a local or parameter, a field of a struct local, a
// constant-index element of a local array, or a flow capture of the control-flow graph.
using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace Heapsmith.Analyzers.Flow;

internal readonly struct VarKey : IEquatable<VarKey>
{
    public const int NoIndex = -1;

    private readonly CaptureId _capture;

    public VarKey(ISymbol root, ISymbol? member = null, int index = NoIndex)
    {
        Root = root;
        Member = member;
        Index = index;
        _capture = default;
        IsCapture = false;
    }

    public VarKey(CaptureId capture)
    {
        Root = null;
        Member = null;
        Index = NoIndex;
        _capture = capture;
        IsCapture = true;
    }

    /// <summary>The local or parameter; null for a flow capture.</summary>
    public ISymbol? Root { get; }

    /// <summary>The field of a struct local, if the place is a field.</summary>
    public ISymbol? Member { get; }

    /// <summary>The constant index of a local array's element, or <see cref="NoIndex"/>.</summary>
    public int Index { get; }

    public bool IsCapture { get; }

    /// <summary>The name a message uses for the place.</summary>
    public string Describe() =>
        IsCapture ? "the value" :
        Member is not null ? Root!.Name + "." + Member.Name :
        Index != NoIndex ? Root!.Name + "[" + Index + "]" :
        Root!.Name;

    public bool Equals(VarKey other) =>
        IsCapture == other.IsCapture
        && _capture.Equals(other._capture)
        && SymbolEqualityComparer.Default.Equals(Root, other.Root)
        && SymbolEqualityComparer.Default.Equals(Member, other.Member)
        && Index == other.Index;

    public override bool Equals(object? obj) => obj is VarKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = IsCapture ? _capture.GetHashCode() : SymbolEqualityComparer.Default.GetHashCode(Root);
        hash = (hash * 31) + SymbolEqualityComparer.Default.GetHashCode(Member);
        return (hash * 31) + Index;
    }
}
