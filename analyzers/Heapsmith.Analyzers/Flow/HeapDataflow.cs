// The forward dataflow over one control-flow graph (a method body, a local function or a
// lambda): a worklist to a fixpoint, then one reporting pass over the converged states.
//
// Invariants:
// - Each basic block's input is a short list of partitions, states that differ in the constant
//   values they know for bool and integer locals. Keeping them apart is what makes `for` loops
//   that run once and correlated branches (`if (small) stackalloc … if (!small) Free`) precise.
//   They also differ in the integer comparisons they know to hold (`n > Limit`, Comparison) until
//   a variable the comparison reads is written. Past MaxPartitions a block first forgets the
//   comparisons for good, then, if that is not enough, collapses to one partition (widening).
// - Finally regions have no ordinary predecessors: each branch that leaves a try runs its
//   finally regions on its own state (RunFinally), so `return` inside try/finally is exact.
// - A catch handler starts from the state on entry to its try, joined with the states of the
//   explicit throws inside it (an exception thrown by a call is not a leak path) and, once
//   something was freed, with the state before each call inside it (nothing live: frees only).
// - Exceptions thrown by calls are not leak exits; explicit `throw` is (after finally runs).
// - Work is bounded (VisitBudgetPerBlock); past it the method is given up without reports.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers.Flow;

internal sealed partial class HeapDataflow
{
    private const int MaxPartitions = 4;
    private const long MaxKnownCounter = 1;
    private const int VisitBudgetPerBlock = 48;
    private const int FixedBudget = 512;
    private const int OldGeneration = 1 << 30;

    private readonly ControlFlowGraph _cfg;
    private readonly IMethodSymbol? _method;
    private readonly DataflowContext _context;
    private readonly DiagnosticSink? _sink;
    private readonly List<FlowState>?[] _inputs;
    private readonly bool[] _collapsed;
    private readonly Dictionary<object, int> _siteIds = new();
    private readonly Dictionary<int, BlockOrigin> _origins = new();
    private HashSet<ISymbol>? _captured;

    /// <summary>Variables whose comparisons are not correlated (see MayCorrelate); computed on first need.</summary>
    private HashSet<ISymbol>? _uncorrelated;

    /// <summary>Comparisons made more than once in this graph (see MayCorrelate).</summary>
    private HashSet<Comparison>? _repeated;

    /// <summary>Per block: its partitions no longer keep comparisons apart (see JoinInto).</summary>
    private readonly bool[] _noConditions;
    private readonly Dictionary<ISymbol, VarKey> _refAliases = new(SymbolEqualityComparer.Default);

    /// <summary>Some static or object field holds a tracked value: calls must forget it.</summary>
    private bool _sharedFields;

    /// <summary>Flow captures of a local or parameter: an assignment to one writes the variable.</summary>
    private Dictionary<CaptureId, IOperation>? _placeCaptures;
    private readonly HashSet<IFlowAnonymousFunctionOperation> _lambdas = new();
    private readonly SummaryCollector? _summary;
    private bool _reporting;

    /// <summary>Some pointer got a symbolic offset (p + i): writes to integer variables must then forget theirs.</summary>
    private bool _symbolicOffsets;

    private readonly LocalBodies? _bodies;

    /// <summary>While a block inside a try with catches is transferred: that region and where its states go.</summary>
    private ControlFlowRegion? _catches;
    private Action<int, FlowState>? _propagate;

    public HeapDataflow(ControlFlowGraph cfg, IMethodSymbol? method, DataflowContext context, DiagnosticSink? sink, LocalBodies? bodies = null)
    {
        _cfg = cfg;
        _method = method;
        _context = context;
        _sink = sink;
        _bodies = bodies;
        _inputs = new List<FlowState>?[cfg.Blocks.Length];
        _collapsed = new bool[cfg.Blocks.Length];
        _noConditions = new bool[cfg.Blocks.Length];
        // Which variables lambdas capture costs a data-flow query: asked only when there are any.
        // With bodies followed, a pointer only local functions capture and that are only called
        // directly is left to their effects at the calls (not handed over).
        _captured = cfg.LocalFunctions.Length > 0 ? CapturedVariables.Of(cfg.OriginalOperation, followDirectCalls: bodies is not null) : null;
        // A body (lambda, local function) also summarises itself for the caller that runs it.
        _summary = sink is null || IsBody ? new SummaryCollector() : null;
        _summary?.NoteOutParameters(method?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty);
        _captures = IsBody ? new Dictionary<ISymbol, CaptureRecord>(SymbolEqualityComparer.Default) : null;
    }

    /// <summary>The lambdas met in this graph; the caller analyses their own graphs.</summary>
    public IEnumerable<IFlowAnonymousFunctionOperation> Lambdas => _lambdas;

    /// <summary>Runs to a fixpoint and reports. False when the work budget ran out (nothing reported).</summary>
    public bool Run()
    {
        var budget = (_cfg.Blocks.Length * VisitBudgetPerBlock) + FixedBudget;
        var worklist = new SortedSet<int>();
        Action<int, FlowState> propagate = (target, next) =>
        {
            if (JoinInto(target, next))
            {
                worklist.Add(target);
            }
        };

        var entry = _cfg.Blocks[0];
        JoinInto(entry.Ordinal, InitialState());
        worklist.Add(entry.Ordinal);
        while (worklist.Count > 0)
        {
            _context.Cancellation.ThrowIfCancellationRequested();
            if (--budget < 0)
            {
                return false;
            }

            var ordinal = worklist.Min;
            worklist.Remove(ordinal);

            // A block may be its own successor: its partition list can change while it is transferred.
            var partitions = _inputs[ordinal]!;
            var pending = partitions.Count == 1 ? null : partitions.ToArray();
            for (var i = 0; i < (pending?.Length ?? 1); i++)
            {
                var state = pending is null ? partitions[0] : pending[i];
                if (!state.Pending)
                {
                    continue;
                }

                state.Pending = false;
                Transfer(_cfg.Blocks[ordinal], state.Clone(), propagate);
            }
        }

        _reporting = true;
        foreach (var block in _cfg.Blocks)
        {
            if (_inputs[block.Ordinal] is { } partitions)
            {
                foreach (var state in partitions)
                {
                    Transfer(block, state.Clone(), static (_, _) => { });
                }
            }
        }

        return true;
    }

    /// <summary>The summary this graph implies for its method (summary mode only).</summary>
    public MethodSummary? Summary(ImmutableArray<IParameterSymbol> parameters) => _summary?.Build(parameters);

    private FlowState InitialState()
    {
        var state = new FlowState();
        var parameters = _method?.Parameters ?? ImmutableArray<IParameterSymbol>.Empty;
        foreach (var parameter in parameters)
        {
            if (parameter.RefKind is RefKind.None or RefKind.In && IsPointerLike(parameter.Type)
                && parameter.DeclaringSyntaxReferences.Length > 0)
            {
                var site = parameter.DeclaringSyntaxReferences[0].GetSyntax(_context.Cancellation);
                var id = NewBlock(state, KnownSite(parameter) ?? NewSite(parameter, new BlockOrigin(OriginKind.Parameter, site, "parameter '" + parameter.Name + "'", parameter.Name)), BlockStates.Live);
                state.Write(new VarKey(parameter), PointerValues.Single(id));
                _summary?.NoteParameter(parameter.Ordinal, id);
            }
        }

        if (_captures is not null)
        {
            SeedCaptures(state);
        }

        return state;
    }

    private bool JoinInto(int ordinal, FlowState incoming)
    {
        WidenCounters(incoming);
        CollectGarbage(incoming);
        var partitions = _inputs[ordinal] ??= new List<FlowState>(1);
        if (_noConditions[ordinal])
        {
            incoming.ClearConditions();
        }

        if (_collapsed[ordinal])
        {
            return Merge(partitions, 0, incoming);
        }

        for (var i = 0; i < partitions.Count; i++)
        {
            if (partitions[i].SameKnown(incoming))
            {
                return Merge(partitions, i, incoming);
            }
        }

        if (partitions.Count < MaxPartitions)
        {
            partitions.Add(incoming);
            incoming.Pending = true;
            return true;
        }

        // Too many paths: comparisons are the first knowledge to give up (bool flags and small
        // counters are worth more), for good at this block; only if that is not enough collapse.
        if (!_noConditions[ordinal] && (incoming.Conditions.Count > 0 || partitions.Exists(p => p.Conditions.Count > 0)))
        {
            _noConditions[ordinal] = true;
            var states = new List<FlowState>(partitions) { incoming };
            partitions.Clear();
            foreach (var state in states)
            {
                state.ClearConditions();
                var index = partitions.FindIndex(p => p.SameKnown(state));
                if (index < 0)
                {
                    partitions.Add(state);
                }
                else
                {
                    partitions[index] = partitions[index].Join(state);
                }
            }

            foreach (var state in partitions)
            {
                state.Pending = true;
            }

            if (partitions.Count <= MaxPartitions)
            {
                return true;
            }

            incoming = partitions[partitions.Count - 1];
            partitions.RemoveAt(partitions.Count - 1);
        }

        var all = incoming;
        foreach (var partition in partitions)
        {
            all = all.Join(partition);
        }

        partitions.Clear();
        partitions.Add(all);
        all.Pending = true;
        _collapsed[ordinal] = true;
        return true;
    }

    /// <summary>Owned blocks freed (or handed over) that nothing holds any more can never be named
    /// again: dropped, so that a join does not mix a block freed on one path with the same block
    /// live on another (a Realloc in a loop replaces the pointer it frees).</summary>
    private static void CollectGarbage(FlowState state)
    {
        List<int>? dead = null;
        foreach (var entry in state.Blocks)
        {
            if (entry.Value.Origin.IsOwned && (entry.Value.States & BlockStates.Live) == 0)
            {
                (dead ??= new List<int>()).Add(entry.Key);
            }
        }

        if (dead is null)
        {
            return;
        }

        foreach (var entry in state.Vars)
        {
            foreach (var value in entry.Value)
            {
                dead.Remove(value.Block);
            }
        }

        foreach (var block in dead)
        {
            state.RemoveBlock(block);
        }
    }

    /// <summary>Integers stay known while small (enough for loops that run once or twice); a loop
    /// counter past that is forgotten, so loops converge in a few passes.</summary>
    private static void WidenCounters(FlowState state)
    {
        List<ISymbol>? forget = null;
        foreach (var entry in state.Known)
        {
            if (entry.Value is long value && (value > MaxKnownCounter || value < -MaxKnownCounter))
            {
                (forget ??= new List<ISymbol>()).Add(entry.Key);
            }
        }

        if (forget is not null)
        {
            foreach (var symbol in forget)
            {
                state.RemoveKnown(symbol);
            }
        }
    }

    private static bool Merge(List<FlowState> partitions, int index, FlowState incoming)
    {
        if (partitions.Count == 0)
        {
            partitions.Add(incoming);
            incoming.Pending = true;
            return true;
        }

        var joined = partitions[index].Join(incoming);
        if (ReferenceEquals(joined, partitions[index]))
        {
            return false;
        }

        partitions[index].Pending = false;
        partitions[index] = joined;
        joined.Pending = true;
        return true;
    }

    /// <summary>Applies one basic block to <paramref name="state"/> and hands the results to its successors.</summary>
    private void Transfer(BasicBlock block, FlowState state, Action<int, FlowState> propagate)
    {
        if (block.Kind == BasicBlockKind.Exit)
        {
            return;
        }

        if (CatchesOnEntry(block) is { } tryAndCatch)
        {
            // Handlers start from the state on entry to the try: what an exception thrown by a
            // call inside leaves behind is not a leak path (explicit throws reach them in Throw).
            for (var i = 1; i < tryAndCatch.NestedRegions.Length; i++)
            {
                propagate(tryAndCatch.NestedRegions[i].FirstBlockOrdinal, state.Clone());
            }
        }

        // A call inside a try with catches may throw: its handlers see what was freed before it.
        var (outerCatches, outerPropagate) = (_catches, _propagate);
        (_catches, _propagate) = (InnermostCatches(block), propagate);
        try
        {
            foreach (var operation in block.Operations)
            {
                Eval(operation, state);
            }
        }
        finally
        {
            (_catches, _propagate) = (outerCatches, outerPropagate);
        }

        if (block.ConditionKind == ControlFlowConditionKind.None)
        {
            FollowUnconditional(block, state, propagate);
            return;
        }

        var condition = block.BranchValue!;
        Eval(condition, state);
        var known = ConstBool(condition, state);
        var jumpWhen = block.ConditionKind == ControlFlowConditionKind.WhenTrue;
        if (known != !jumpWhen)
        {
            // The state is needed again for the other branch only when that one can be taken too.
            var taken = known == jumpWhen ? state : state.Clone();
            if (Refine(condition, jumpWhen, taken))
            {
                Follow(block, block.ConditionalSuccessor, taken, propagate);
            }
        }

        if (known != jumpWhen)
        {
            var notTaken = state;
            if (Refine(condition, !jumpWhen, notTaken))
            {
                Follow(block, block.FallThroughSuccessor, notTaken, propagate);
            }
        }
    }

    private void FollowUnconditional(BasicBlock block, FlowState state, Action<int, FlowState> propagate)
    {
        var branch = block.FallThroughSuccessor;
        var value = block.BranchValue;
        if (branch is null)
        {
            return;
        }

        switch (branch.Semantics)
        {
            case ControlFlowBranchSemantics.Throw:
            case ControlFlowBranchSemantics.Rethrow:
                if (value is not null)
                {
                    Eval(value, state);
                }

                Throw(block, state, value?.Syntax ?? (_reporting && _sink is not null ? RethrowStatement(block) : null), propagate);
                return;
            case ControlFlowBranchSemantics.Return when value is not null:
                var returned = Eval(value, state);
                CheckUse(returned, value.Syntax, state);
                // A block returned inside a value (a struct whose field holds it) is handed over too.
                var contents = WithFields(value, returned, state);
                if (_summary is null)
                {
                    Escape(contents, state);
                }
                else if (_reporting)
                {
                    // Returning a parameter gives it back, it does not take it. Only a pointer result
                    // can be a fresh block the caller owns (a struct holding one is handed over).
                    Escape(OwnedOnly(contents, state), state);
                    _summary.NoteReturn(IsPointerLike(_method?.ReturnType) ? returned : default, contents, state);
                }
                break;
            default:
                if (value is not null)
                {
                    Eval(value, state);
                }

                break;
        }

        Follow(block, branch, state, propagate);
    }

    private void Follow(BasicBlock from, ControlFlowBranch? branch, FlowState state, Action<int, FlowState> propagate)
    {
        if (branch is null || branch.Semantics is ControlFlowBranchSemantics.StructuredExceptionHandling
            or ControlFlowBranchSemantics.ProgramTermination or ControlFlowBranchSemantics.Error)
        {
            return;
        }

        FlowState? current = state;
        foreach (var region in branch.FinallyRegions)
        {
            current = RunFinally(region, current);
            if (current is null)
            {
                return;
            }
        }

        ForgetScopes(branch, current);
        var destination = branch.Destination;
        if (destination is null)
        {
            return;
        }

        if (destination.Kind == BasicBlockKind.Exit)
        {
            // Naming the exit reads syntax: only worth it when reporting.
            var returnSyntax = _reporting && _sink is not null ? ReturnStatement(from, branch) : null;
            var exit = returnSyntax is null ? "the end of the method" : "the return at line " + DiagnosticSink.LineOf(returnSyntax);
            _summary?.NoteNormalExit(current, _reporting);
            LeaveMethod(current, exit, returnSyntax);
            return;
        }

        propagate(destination.Ordinal, current);
    }

    /// <summary>Locals and captures of the regions a branch leaves are out of scope: what they knew
    /// (a loop counter, say) no longer keeps paths apart. Blocks they held stay in the state.</summary>
    private static void ForgetScopes(ControlFlowBranch branch, FlowState state)
    {
        foreach (var region in branch.LeavingRegions)
        {
            foreach (var local in region.Locals)
            {
                state.RemoveKnown(local);
                state.RemoveVar(new VarKey(local));
            }

            foreach (var capture in region.CaptureIds)
            {
                state.RemoveVar(new VarKey(capture));
            }
        }
    }

    /// <summary>An explicit throw: caught by an enclosing catch (which then starts from this state), or it leaves the method after the finally regions on its way.</summary>
    private void Throw(BasicBlock block, FlowState state, SyntaxNode? at, Action<int, FlowState> propagate)
    {
        FlowState? current = state;
        for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind != ControlFlowRegionKind.Try || region.EnclosingRegion is not { } parent)
            {
                continue;
            }

            if (parent.Kind == ControlFlowRegionKind.TryAndCatch)
            {
                for (var i = 1; i < parent.NestedRegions.Length; i++)
                {
                    propagate(parent.NestedRegions[i].FirstBlockOrdinal, current.Clone());
                }

                return;
            }

            if (parent.Kind == ControlFlowRegionKind.TryAndFinally && parent.NestedRegions.Length > 1)
            {
                current = RunFinally(parent.NestedRegions[1], current);
                if (current is null)
                {
                    return;
                }
            }
        }

        LeaveMethod(current, at is null ? "a throw" : "the throw at line " + DiagnosticSink.LineOf(at), at);
    }

    /// <summary>Runs a finally region on one incoming state; null when its end is unreachable.</summary>
    private FlowState? RunFinally(ControlFlowRegion region, FlowState state)
    {
        var inputs = new Dictionary<int, FlowState>();
        var worklist = new SortedSet<int> { region.FirstBlockOrdinal };
        inputs[region.FirstBlockOrdinal] = state;
        FlowState? result = null;
        var budget = ((region.LastBlockOrdinal - region.FirstBlockOrdinal + 1) * VisitBudgetPerBlock) + FixedBudget;
        while (worklist.Count > 0 && --budget >= 0)
        {
            var ordinal = worklist.Min;
            worklist.Remove(ordinal);
            var block = _cfg.Blocks[ordinal];
            var current = inputs[ordinal].Clone();
            Transfer(block, current, (target, next) =>
            {
                if (target < region.FirstBlockOrdinal || target > region.LastBlockOrdinal)
                {
                    return;
                }

                if (!inputs.TryGetValue(target, out var existing))
                {
                    inputs[target] = next;
                    worklist.Add(target);
                }
                else
                {
                    var joined = existing.Join(next);
                    if (!ReferenceEquals(joined, existing))
                    {
                        inputs[target] = joined;
                        worklist.Add(target);
                    }
                }
            });

            // The end of the finally region: control continues to where the branch was going.
            if (block.FallThroughSuccessor?.Semantics == ControlFlowBranchSemantics.StructuredExceptionHandling
                && block.ConditionKind == ControlFlowConditionKind.None)
            {
                result = result is null ? current : result.Join(current);
            }
        }

        return result;
    }

    /// <summary>The try/catch region around this block when its innermost try has catches.</summary>
    private static ControlFlowRegion? InnermostCatches(BasicBlock block)
    {
        for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind == ControlFlowRegionKind.Try)
            {
                return region.EnclosingRegion is { Kind: ControlFlowRegionKind.TryAndCatch } parent ? parent : null;
            }
        }

        return null;
    }

    /// <summary>A call that may throw, inside a try with catches: when something was freed before
    /// it, the handlers also start from here, with nothing live (a throwing call is not a leak
    /// path) but the frees kept, so a handler that frees again is a double free.</summary>
    private void ReachCatches(FlowState state)
    {
        if (_catches is not { } tryAndCatch || _propagate is null)
        {
            return;
        }

        var freed = false;
        foreach (var facts in state.Blocks.Values)
        {
            freed |= facts.FreeMayRepeat;
        }

        if (!freed)
        {
            return;
        }

        var thrown = state.Clone();
        foreach (var entry in state.Blocks)
        {
            if ((entry.Value.States & BlockStates.Live) != 0)
            {
                thrown.SetBlock(entry.Key, entry.Value.With((entry.Value.States & ~BlockStates.Live) | BlockStates.Escaped, null));
            }
        }

        for (var i = 1; i < tryAndCatch.NestedRegions.Length; i++)
        {
            _propagate(tryAndCatch.NestedRegions[i].FirstBlockOrdinal, i == tryAndCatch.NestedRegions.Length - 1 ? thrown : thrown.Clone());
        }
    }

    /// <summary>The try/catch region whose try this block starts, if the innermost try around it has catches.</summary>
    private static ControlFlowRegion? CatchesOnEntry(BasicBlock block)
    {
        for (var region = block.EnclosingRegion; region is not null; region = region.EnclosingRegion)
        {
            if (region.Kind == ControlFlowRegionKind.Try && region.EnclosingRegion is { Kind: ControlFlowRegionKind.TryAndCatch } parent)
            {
                return block.Ordinal == region.FirstBlockOrdinal ? parent : null;
            }
        }

        return null;
    }

    /// <summary>The return statement a branch to the exit comes from; null at the end of the method.</summary>
    private ReturnStatementSyntax? ReturnStatement(BasicBlock from, ControlFlowBranch branch)
    {
        if (branch.Semantics == ControlFlowBranchSemantics.Return && from.BranchValue?.Syntax.Parent is ReturnStatementSyntax valued)
        {
            return valued;
        }

        // `return;` has no operation: find it next to the last statement of the block.
        var statement = LastSyntax(from)?.FirstAncestorOrSelf<StatementSyntax>();
        if (statement is null)
        {
            // A block that is only `return;` (a catch that returns): the first one after the code before it.
            var anchor = -1;
            for (var ordinal = from.Ordinal - 1; ordinal > 0 && anchor < 0; ordinal--)
            {
                anchor = LastSyntax(_cfg.Blocks[ordinal])?.Span.End ?? -1;
            }

            return anchor < 0 ? null : _cfg.OriginalOperation.Syntax.DescendantNodes()
                .OfType<ReturnStatementSyntax>().FirstOrDefault(r => r.Expression is null && r.SpanStart >= anchor);
        }

        if (branch == from.ConditionalSuccessor || from.ConditionKind != ControlFlowConditionKind.None)
        {
            var taken = statement is IfStatementSyntax conditional ? conditional.Statement : null;
            return taken as ReturnStatementSyntax ?? (taken as BlockSyntax)?.Statements.FirstOrDefault() as ReturnStatementSyntax;
        }

        if (statement.Parent is BlockSyntax block)
        {
            var index = block.Statements.IndexOf(statement);
            return index >= 0 && index + 1 < block.Statements.Count ? block.Statements[index + 1] as ReturnStatementSyntax : null;
        }

        return statement.Parent is IfStatementSyntax or ElseClauseSyntax ? null : statement as ReturnStatementSyntax;
    }

    /// <summary>`throw;` has no operation: the first one after the block's last statement.</summary>
    private SyntaxNode? RethrowStatement(BasicBlock block)
    {
        var rethrows = _cfg.OriginalOperation.Syntax.DescendantNodes()
            .OfType<ThrowStatementSyntax>().Where(t => t.Expression is null).ToList();
        var after = LastSyntax(block)?.Span.End ?? -1;
        return after < 0 && rethrows.Count != 1 ? null : rethrows.FirstOrDefault(t => t.SpanStart >= after);
    }

    private static SyntaxNode? LastSyntax(BasicBlock block) =>
        block.BranchValue?.Syntax ?? (block.Operations.Length > 0 ? block.Operations[block.Operations.Length - 1].Syntax : null);

    /// <summary>The block id of a site (an allocating call, a stackalloc, a parameter) seen before.</summary>
    private int? KnownSite(object site) => _siteIds.TryGetValue(site, out var id) ? id : null;

    /// <summary>A site seen for the first time: its id, and where its blocks come from (built only then).</summary>
    private int NewSite(object site, BlockOrigin origin)
    {
        var id = _siteIds.Count;
        _siteIds[site] = id;
        _origins[id] = origin;
        return id;
    }

    /// <summary>A fresh block of site <paramref name="id"/> in <paramref name="states"/>.</summary>
    private int NewBlock(FlowState state, int id, BlockStates states)
    {
        var known = _origins[id];

        // The same site ran again while its previous block is still held (a loop): the older
        // blocks of the site are kept apart under one id so the new one gets exact states.
        if (state.Blocks.TryGetValue(id, out var previous) && state.IsReferenced(id, null))
        {
            var old = id | OldGeneration;
            state.SetBlock(old, state.Blocks.TryGetValue(old, out var older) ? older.Join(previous) : previous);
            foreach (var key in new List<VarKey>(state.Vars.Keys))
            {
                if (Holds(state.Vars[key], id))
                {
                    state.SetVar(key, Renamed(state.Vars[key], id, old));
                }
            }
        }

        state.SetBlock(id, new BlockFacts(known, states, null));
        return id;
    }

    /// <summary>The values with block <paramref name="from"/> read as block <paramref name="to"/>.</summary>
    private static ImmutableArray<PointerValue> Renamed(ImmutableArray<PointerValue> values, int from, int to)
    {
        var builder = ImmutableArray.CreateBuilder<PointerValue>(values.Length);
        foreach (var value in values)
        {
            builder.Add(value.Block == from ? new PointerValue(to, value.Offset, value.Term, value.Scale) : value);
        }

        return PointerValues.Union(ImmutableArray<PointerValue>.Empty, builder.MoveToImmutable());
    }

    private static ImmutableArray<PointerValue> OwnedOnly(ImmutableArray<PointerValue> values, FlowState state) =>
        values.IsDefault ? values : values.Where(v => state.Blocks.TryGetValue(v.Block, out var facts) && facts.Origin.IsOwned).ToImmutableArray();

    private static bool IsPointerLike(ITypeSymbol? type) =>
        type is not null && (type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
            || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr);
}
