// Gathers, while a callee's own graph is analysed in summary mode, what happens to each pointer
// parameter on the paths that leave it (freed or kept: the callee takes it) and what it returns
// (a fresh owned block on every returning path: it returns ownership).
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Analyzers.Flow;

internal sealed class SummaryCollector
{
    private readonly Dictionary<int, int> _parameterBlocks = new();
    private readonly Dictionary<int, BlockStates> _parameterOutcomes = new();
    private readonly HashSet<int> _returnedParameters = new();
    private bool _sawReturn;
    private bool _allReturnsOwned = true;
    private bool _sawOwnedBlock;
    private Allocator? _returnAllocator;
    private bool _allocatorsAgree = true;

    private readonly Dictionary<int, bool> _outOwned = new();

    public void NoteParameter(int ordinal, int block) => _parameterBlocks[ordinal] = block;

    /// <summary>A path that returns normally: does each out pointer parameter hold a fresh block of this method?</summary>
    public void NoteNormalExit(FlowState state, bool reporting)
    {
        if (!reporting || _outParameters is null)
        {
            return;
        }

        foreach (var parameter in _outParameters)
        {
            var values = state.Read(new VarKey(parameter));
            var owned = !values.IsDefault && values.Length > 0;
            foreach (var value in values.IsDefault ? ImmutableArray<PointerValue>.Empty : values)
            {
                owned &= value.Offset == 0 && state.Blocks.TryGetValue(value.Block, out var facts) && facts.Origin.IsOwned && !facts.FreeMayRepeat;
            }

            _outOwned[parameter.Ordinal] = (!_outOwned.TryGetValue(parameter.Ordinal, out var before) || before) && owned;
        }
    }

    /// <summary>The method's out parameters of pointer type (set by the dataflow before it runs).</summary>
    private List<IParameterSymbol>? _outParameters;

    public void NoteOutParameters(IEnumerable<IParameterSymbol> parameters)
    {
        foreach (var parameter in parameters)
        {
            if (parameter.RefKind == RefKind.Out && parameter.Type.TypeKind == TypeKind.Pointer)
            {
                (_outParameters ??= new List<IParameterSymbol>()).Add(parameter);
            }
        }
    }

    public void NoteExit(FlowState state)
    {
        foreach (var entry in _parameterBlocks)
        {
            if (state.Blocks.TryGetValue(entry.Value, out var facts))
            {
                _parameterOutcomes[entry.Key] = (_parameterOutcomes.TryGetValue(entry.Key, out var seen) ? seen : BlockStates.None) | facts.States;
            }
        }
    }

    /// <summary>A return: <paramref name="values"/> is what the result may point to (for a pointer
    /// result; default otherwise), <paramref name="contents"/> what it may hold in any form.</summary>
    public void NoteReturn(ImmutableArray<PointerValue> values, ImmutableArray<PointerValue> contents, FlowState state)
    {
        if (!contents.IsDefault)
        {
            foreach (var value in contents)
            {
                foreach (var entry in _parameterBlocks)
                {
                    if (value.Block == entry.Value && value.Offset == 0)
                    {
                        _returnedParameters.Add(entry.Key);
                    }
                }
            }
        }

        _sawReturn = true;
        if (values.IsDefault)
        {
            _allReturnsOwned = false;
            return;
        }

        foreach (var value in values)
        {
            if (value.IsNull)
            {
                continue;
            }

            // A pointer into a block (past a header, say) is not one the caller could free.
            if (value.Offset != 0 || !state.Blocks.TryGetValue(value.Block, out var facts) || !facts.Origin.IsOwned || facts.MayBeFreed)
            {
                _allReturnsOwned = false;
                return;
            }

            _sawOwnedBlock = true;
            var allocator = facts.Origin.Allocator;
            if (_returnAllocator is null && _allocatorsAgree)
            {
                _returnAllocator = allocator;
                _allocatorsAgree = allocator is not null;
            }
            else if (allocator is null || _returnAllocator is null || !allocator.Matches(_returnAllocator) || !_returnAllocator.Matches(allocator))
            {
                _allocatorsAgree = false;
            }
        }
    }

    /// <summary>A parameter is taken when every path frees it; may be freed when some paths do (or
    /// hand it to a helper that may free it); kept when some path frees it or stores it where it
    /// outlives the call (a pointer or an IntPtr/nint alike, on some path only too: TryPublish
    /// that keeps it on success).</summary>
    public MethodSummary Build(ImmutableArray<IParameterSymbol> parameters)
    {
        var outcomes = parameters.Select(p => _parameterOutcomes.TryGetValue(p.Ordinal, out var states) ? states : BlockStates.None).ToList();
        var takes = outcomes
            .Select(states => (states & BlockStates.Freed) != 0 && (states & (BlockStates.Live | BlockStates.Escaped)) == 0)
            .ToImmutableArray();
        // Handed on to a helper that frees it sometimes counts as freed sometimes (helper chains).
        var mayFree = outcomes
            .Select((states, i) => !takes[i] && (states & (BlockStates.Freed | BlockStates.MaybeTaken)) != 0)
            .ToImmutableArray();
        var keeps = parameters
            .Select((p, i) => !takes[i] && (mayFree[i] || (outcomes[i] & BlockStates.Escaped) != 0))
            .ToImmutableArray();
        var returns = parameters.Select(p => _returnedParameters.Contains(p.Ordinal)).ToImmutableArray();
        var outOwned = parameters.Select(p => _outOwned.TryGetValue(p.Ordinal, out var owned) && owned).ToImmutableArray();
        var returnsOwned = _sawReturn && _allReturnsOwned && _sawOwnedBlock;
        return new MethodSummary(takes, keeps, mayFree, returnsOwned, returnsOwned && _allocatorsAgree ? _returnAllocator : null, returns, outOwned);
    }
}
