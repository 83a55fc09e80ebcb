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
    // Copy on write: a clone shares its parent's dictionaries until one of them writes (most
    // basic blocks change one of the three, if any), which is what keeps a transfer cheap.
    private Dictionary<VarKey, ImmutableArray<PointerValue>> _vars;
    private Dictionary<int, BlockFacts> _blocks;
    private Dictionary<ISymbol, object> _known;
    private Dictionary<Comparison, bool> _conditions;
    private bool _ownsVars;
    private bool _ownsBlocks;
    private bool _ownsKnown;
    private bool _ownsConditions;

    private FlowState(Dictionary<VarKey, ImmutableArray<PointerValue>> vars, Dictionary<int, BlockFacts> blocks, Dictionary<ISymbol, object> known, Dictionary<Comparison, bool> conditions, bool owns)
    {
        _vars = vars;
        _blocks = blocks;
        _known = known;
        _conditions = conditions;
        _ownsVars = _ownsBlocks = _ownsKnown = _ownsConditions = owns;
    }

    public FlowState()
        : this(new(), new(), new(SymbolEqualityComparer.Default), new(), owns: true)
    {
    }

    /// <summary>Changed since its block was last transferred (the driver's worklist mark, never cloned).</summary>
    public bool Pending { get; set; }

    public ReadOnlyMap<VarKey, ImmutableArray<PointerValue>> Vars => new(_vars);

    public ReadOnlyMap<int, BlockFacts> Blocks => new(_blocks);

    /// <summary>Compile-time-like values of bool and integer locals on the paths of this state.</summary>
    public ReadOnlyMap<ISymbol, object> Known => new(_known);

    /// <summary>Integer comparisons of unchanged variables known to hold (or not) on this state's paths.</summary>
    public ReadOnlyMap<Comparison, bool> Conditions => new(_conditions);

    public FlowState Clone()
    {
        _ownsVars = _ownsBlocks = _ownsKnown = _ownsConditions = false;
        return new(_vars, _blocks, _known, _conditions, owns: false);
    }

    public void SetVar(VarKey key, ImmutableArray<PointerValue> values) => OwnVars()[key] = values;

    public void RemoveVar(VarKey key)
    {
        if (_vars.ContainsKey(key))
        {
            OwnVars().Remove(key);
        }
    }

    public void SetBlock(int block, BlockFacts facts) => OwnBlocks()[block] = facts;

    public void RemoveBlock(int block)
    {
        if (_blocks.ContainsKey(block))
        {
            OwnBlocks().Remove(block);
        }
    }

    /// <summary>The variable holds <paramref name="value"/>; comparisons that read it no longer hold.</summary>
    public void SetKnown(ISymbol variable, object value)
    {
        OwnKnown()[variable] = value;
        ForgetConditions(variable);
    }

    /// <summary>The variable was written with a value not known: forget it and every comparison that read it.</summary>
    public void RemoveKnown(ISymbol variable)
    {
        if (_known.ContainsKey(variable))
        {
            OwnKnown().Remove(variable);
        }

        ForgetConditions(variable);
    }

    public void SetCondition(Comparison comparison, bool holds) => OwnConditions()[comparison] = holds;

    public void ClearConditions()
    {
        if (_conditions.Count > 0)
        {
            _conditions = new();
            _ownsConditions = true;
        }
    }

    private void ForgetConditions(ISymbol variable)
    {
        if (_conditions.Count == 0)
        {
            return;
        }

        List<Comparison>? stale = null;
        foreach (var entry in _conditions)
        {
            if (entry.Key.Reads(variable))
            {
                (stale ??= new List<Comparison>()).Add(entry.Key);
            }
        }

        if (stale is not null)
        {
            var conditions = OwnConditions();
            foreach (var comparison in stale)
            {
                conditions.Remove(comparison);
            }
        }
    }

    private Dictionary<Comparison, bool> OwnConditions()
    {
        if (!_ownsConditions)
        {
            _conditions = new(_conditions);
            _ownsConditions = true;
        }

        return _conditions;
    }

    private Dictionary<VarKey, ImmutableArray<PointerValue>> OwnVars()
    {
        if (!_ownsVars)
        {
            _vars = new(_vars);
            _ownsVars = true;
        }

        return _vars;
    }

    private Dictionary<int, BlockFacts> OwnBlocks()
    {
        if (!_ownsBlocks)
        {
            _blocks = new(_blocks);
            _ownsBlocks = true;
        }

        return _blocks;
    }

    private Dictionary<ISymbol, object> OwnKnown()
    {
        if (!_ownsKnown)
        {
            _known = new(_known, SymbolEqualityComparer.Default);
            _ownsKnown = true;
        }

        return _known;
    }

    /// <summary>The values of a place; default when never assigned or unknown.</summary>
    public ImmutableArray<PointerValue> Read(VarKey key) =>
        Vars.TryGetValue(key, out var values) && !PointerValues.IsUnknown(values) ? values : default;

    /// <summary>Assigns a place; default (an untracked value) is remembered as unknown.</summary>
    public void Write(VarKey key, ImmutableArray<PointerValue> values) =>
        SetVar(key, values.IsDefault ? PointerValues.UnknownOnly : values);

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
        if (Known.Count != other.Known.Count || _conditions.Count != other._conditions.Count)
        {
            return false;
        }

        foreach (var entry in _conditions)
        {
            if (!other._conditions.TryGetValue(entry.Key, out var holds) || holds != entry.Value)
            {
                return false;
            }
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
                (result ??= Clone()).SetVar(entry.Key, entry.Value);
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

            result.SetVar(entry.Key, union);
        }

        foreach (var entry in other.Blocks)
        {
            if (!Blocks.TryGetValue(entry.Key, out var mine))
            {
                (result ??= Clone()).SetBlock(entry.Key, entry.Value);
            }
            else if (mine.Join(entry.Value) is var joined && !ReferenceEquals(joined, mine))
            {
                (result ??= Clone()).SetBlock(entry.Key, joined);
            }
        }

        foreach (var entry in Known)
        {
            if (!other.Known.TryGetValue(entry.Key, out var value) || !Equals(value, entry.Value))
            {
                (result ??= Clone()).OwnKnown().Remove(entry.Key);
            }
        }

        foreach (var entry in _conditions)
        {
            if (!other._conditions.TryGetValue(entry.Key, out var holds) || holds != entry.Value)
            {
                (result ??= Clone()).OwnConditions().Remove(entry.Key);
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
                    result.SetBlock(value.Block, facts.With((facts.States & ~BlockStates.Live) | BlockStates.Escaped, null));
                }
            }
        }

        return result;
    }
}

/// <summary>A dictionary seen without the means to change it (FlowState's maps are copied on write).</summary>
internal readonly struct ReadOnlyMap<TKey, TValue> : IEnumerable<KeyValuePair<TKey, TValue>>
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _map;

    public ReadOnlyMap(Dictionary<TKey, TValue> map) => _map = map;

    public int Count => _map.Count;

    public Dictionary<TKey, TValue>.KeyCollection Keys => _map.Keys;

    public Dictionary<TKey, TValue>.ValueCollection Values => _map.Values;

    public TValue this[TKey key] => _map[key];

    public bool TryGetValue(TKey key, out TValue value) => _map.TryGetValue(key, out value!);

    public bool ContainsKey(TKey key) => _map.ContainsKey(key);

    public Dictionary<TKey, TValue>.Enumerator GetEnumerator() => _map.GetEnumerator();

    IEnumerator<KeyValuePair<TKey, TValue>> IEnumerable<KeyValuePair<TKey, TValue>>.GetEnumerator() => _map.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _map.GetEnumerator();
}
