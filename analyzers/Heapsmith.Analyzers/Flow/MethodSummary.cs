// What a call does to the pointers it is given and what it returns, as the caller's dataflow
// sees it: from [OwnershipTakes]/[OwnershipReturns], or inferred from the callee's own body
// (MethodSummaries). Immutable.
using System.Collections.Immutable;
using System.Linq;

namespace Heapsmith.Analyzers.Flow;

internal sealed class MethodSummary
{
    public static readonly MethodSummary Borrowing = new(ImmutableArray<bool>.Empty, ImmutableArray<bool>.Empty, ImmutableArray<bool>.Empty, false, null);

    public MethodSummary(ImmutableArray<bool> takes, ImmutableArray<bool> keeps, ImmutableArray<bool> mayFree, bool returnsOwned, Allocator? returnAllocator, ImmutableArray<bool> returns = default, ImmutableArray<bool> outOwned = default)
    {
        Takes = takes;
        Keeps = keeps;
        MayFree = mayFree;
        ReturnsOwned = returnsOwned;
        ReturnAllocator = returnAllocator;
        Returns = returns.IsDefault ? ImmutableArray<bool>.Empty : returns;
        OutOwned = outOwned.IsDefault ? ImmutableArray<bool>.Empty : outOwned;
    }

    /// <summary>Per parameter ordinal: an out pointer parameter that holds a fresh block on every
    /// path that returns (Make(out p)): the caller owns what it receives.</summary>
    public ImmutableArray<bool> OutOwned { get; }

    /// <summary>Per parameter ordinal: the result may be the pointer itself or a value holding it (a
    /// struct field, a tuple element, a span over it): the caller's result aliases the argument.</summary>
    public ImmutableArray<bool> Returns { get; }

    /// <summary>Per parameter ordinal: the callee frees the pointer on every path (as [OwnershipTakes]).</summary>
    public ImmutableArray<bool> Takes { get; }

    /// <summary>Per parameter ordinal: the callee may free or store the pointer (an intrusive list's
    /// PushBack, a constructor): the caller need not free it, and may still use it.</summary>
    public ImmutableArray<bool> Keeps { get; }

    /// <summary>Per parameter ordinal: the callee frees the pointer on some paths but not all (so it
    /// is also kept): handing it a block that may be freed already may free it twice.</summary>
    public ImmutableArray<bool> MayFree { get; }

    /// <summary>The result is a fresh block the caller owns.</summary>
    public bool ReturnsOwned { get; }

    /// <summary>The allocator of the returned block when every path agrees on one.</summary>
    public Allocator? ReturnAllocator { get; }

    /// <summary>Two summaries say the same (null: no summary); what a component's fixpoint compares.</summary>
    public static bool Same(MethodSummary? a, MethodSummary? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return a.Takes.SequenceEqual(b.Takes) && a.Keeps.SequenceEqual(b.Keeps) && a.MayFree.SequenceEqual(b.MayFree)
            && a.Returns.SequenceEqual(b.Returns) && a.OutOwned.SequenceEqual(b.OutOwned) && a.ReturnsOwned == b.ReturnsOwned
            && (a.ReturnAllocator is null ? b.ReturnAllocator is null
                : b.ReturnAllocator is not null && a.ReturnAllocator.Matches(b.ReturnAllocator) && b.ReturnAllocator.Matches(a.ReturnAllocator));
    }

    public bool OutParameterOwned(int ordinal) => ordinal >= 0 && ordinal < OutOwned.Length && OutOwned[ordinal];

    public bool ReturnsParameter(int ordinal) => ordinal >= 0 && ordinal < Returns.Length && Returns[ordinal];

    public bool TakesParameter(int ordinal) => ordinal >= 0 && ordinal < Takes.Length && Takes[ordinal];

    public bool KeepsParameter(int ordinal) => ordinal >= 0 && ordinal < Keeps.Length && Keeps[ordinal];

    public bool MayFreeParameter(int ordinal) => ordinal >= 0 && ordinal < MayFree.Length && MayFree[ordinal];
}
