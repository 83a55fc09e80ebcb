// The abstract state at one program point: which blocks each tracked place may point to, what
// each block may be (BlockFacts), and the constant values known for bool and integer locals
// (used to prune branches and to keep paths apart, see HeapDataflow's partitions).
// A state is mutated only while one basic block is transferred; the driver clones on entry.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Analyzers.Flow;

internal sealed class FlowState
{
    private FlowState(Dictionary<VarKey, ImmutableArray<PointerValue>> vars, Dictionary<int, BlockFacts> blocks, Dictionary<ISymbol, object> known)
    {
        Vars = vars;
        Blocks = blocks;
        Known = known;
    }

    public FlowState()
        : this(new(), new(), new(SymbolEqualityComparer.Default))
    {
    }

    /// <summary>Changed since its block was last transferred (the driver's worklist mark, never cloned).</summary>
    public bool Pending { get; set; }

    public Dictionary<VarKey, ImmutableArray<PointerValue>> Vars { get; }

    public Dictionary<int, BlockFacts> Blocks { get; }

    /// <summary>Compile-time-like values of bool and integer locals on the paths of this state.</summary>
    public Dictionary<ISymbol, object> Known { get; }

    public FlowState Clone() =>
        new(new(Vars), new(Blocks), new(Known, SymbolEqualityComparer.Default));

    /// <summary>The values of a place; default when never assigned or unknown.</summary>
    public ImmutableArray<PointerValue> Read(VarKey key) =>
        Vars.TryGetValue(key, out var values) && !PointerValues.IsUnknown(values) ? values : default;

    /// <summary>Assigns a place; default (an untracked value) is remembered as unknown.</summary>
    public void Write(VarKey key, ImmutableArray<PointerValue> values) =>
        Vars[key] = values.IsDefault ? PointerValues.UnknownOnly : values;

    /// <summary>Is the block held by any place other than <paramref name="except"/> (flow captures do not count)?</summary>
    public bool IsReferenced(int block, VarKey? except)
    {
        foreach (var entry in Vars)
        {
            if (entry.Key.IsCapture || (except is { } skip && entry.Key.Equals(skip)))
            {
                continue;
            }

            foreach (var value in entry.Value)
            {
                if (value.Block == block)
                {
                    return true;
                }
            }
        }

        return false;
    }

    public bool SameKnown(FlowState other)
    {
        if (Known.Count != other.Known.Count)
        {
            return false;
        }

        foreach (var entry in Known)
        {
            if (!other.Known.TryGetValue(entry.Key, out var value) || !Equals(value, entry.Value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The least upper bound: values and block states united, knowledge intersected.
    /// A place unknown on one side is unknown after the join, and the blocks it held on the other
    /// side are taken as handed over (no longer followed, so never reported as leaks). A place
    /// assigned on one side only (declared on that path) keeps its values. Returns this very
    /// state when <paramref name="other"/> adds nothing (the worklist tests that by reference),
    /// so a join that changes nothing allocates nothing.</summary>
    public FlowState Join(FlowState other)
    {
        FlowState? result = null;
        List<ImmutableArray<PointerValue>>? lost = null;
        foreach (var entry in other.Vars)
        {
            if (!Vars.TryGetValue(entry.Key, out var mine))
            {
                (result ??= Clone()).Vars[entry.Key] = entry.Value;
                continue;
            }

            if (PointerValues.SameSet(mine, entry.Value))
            {
                continue;
            }

            result ??= Clone();
            var union = PointerValues.Union(mine, entry.Value);
            if (PointerValues.IsUnknown(union))
            {
                lost ??= new List<ImmutableArray<PointerValue>>();
                lost.Add(mine);
                lost.Add(entry.Value);
            }

            result.Vars[entry.Key] = union;
        }

        foreach (var entry in other.Blocks)
        {
            if (!Blocks.TryGetValue(entry.Key, out var mine))
            {
                (result ??= Clone()).Blocks[entry.Key] = entry.Value;
            }
            else if (mine.Join(entry.Value) is var joined && !ReferenceEquals(joined, mine))
            {
                (result ??= Clone()).Blocks[entry.Key] = joined;
            }
        }

        foreach (var entry in Known)
        {
            if (!other.Known.TryGetValue(entry.Key, out var value) || !Equals(value, entry.Value))
            {
                (result ??= Clone()).Known.Remove(entry.Key);
            }
        }

        if (result is null)
        {
            return this;
        }

        foreach (var values in lost ?? Enumerable.Empty<ImmutableArray<PointerValue>>())
        {
            foreach (var value in values)
            {
                if (value.IsBlock && result.Blocks.TryGetValue(value.Block, out var facts) && (facts.States & BlockStates.Live) != 0)
                {
                    result.Blocks[value.Block] = facts.With((facts.States & ~BlockStates.Live) | BlockStates.Escaped, null);
                }
            }
        }

        return result;
    }
}
