// Gathers, while a callee's own graph is analysed in summary mode, what happens to each pointer
// parameter on the paths that leave it (freed or kept: the callee takes it) and what it returns
// (a fresh owned block on every returning path: it returns ownership).
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Heapsmith.Analyzers.Flow;

internal sealed class SummaryCollector
{
    private readonly Dictionary<int, int> _parameterBlocks = new();
    private readonly Dictionary<int, BlockStates> _parameterOutcomes = new();
    private bool _sawReturn;
    private bool _allReturnsOwned = true;
    private Allocator? _returnAllocator;
    private bool _allocatorsAgree = true;

    public void NoteParameter(int ordinal, int block) => _parameterBlocks[ordinal] = block;

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

    public void NoteReturn(ImmutableArray<PointerValue> values, FlowState state)
    {
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

            if (!state.Blocks.TryGetValue(value.Block, out var facts) || !facts.Origin.IsOwned || facts.MayBeFreed)
            {
                _allReturnsOwned = false;
                return;
            }

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

    public MethodSummary Build(int parameterCount)
    {
        var takes = Enumerable.Range(0, parameterCount)
            .Select(i => _parameterOutcomes.TryGetValue(i, out var states) && (states & (BlockStates.Freed | BlockStates.Escaped)) != 0)
            .ToImmutableArray();
        var returnsOwned = _sawReturn && _allReturnsOwned;
        return new MethodSummary(takes, returnsOwned, returnsOwned && _allocatorsAgree ? _returnAllocator : null);
    }
}
