// Lambdas and local functions, both sides of the call:
// - In a body (a lambda's or local function's own graph), each pointer variable of the caller it
//   captures starts as a borrowed block (OriginKind.Captured), so its own double frees and uses
//   after free are found; what happens to that block (first use, freed or kept at the exits,
//   the variable assigned) becomes the body's BodyEffects.
// - In the caller, the effects apply where the body runs: a call of a local function, an
//   invocation of a delegate local that holds one lambda (or local function) on every assignment
//   (also as a?.Invoke(), which the graph invokes through a flow capture of the local),
//   a lambda passed to a call (it may run during the call). There, a captured block that may be
//   freed already and that the body uses or frees is HEAP004 or HEAP001. Creating a lambda is not
//   a use (the variable, not its value, is captured); a lambda stored or returned runs at a time
//   this analysis does not know, and is not followed.
using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers.Flow;

internal sealed partial class HeapDataflow
{
    /// <summary>In a body: the caller's variables it captures (pointers seeded, others only noted when assigned).</summary>
    private readonly Dictionary<ISymbol, CaptureRecord>? _captures;

    /// <summary>In a caller: the lambda or local function each delegate local always holds (null: not one known body).</summary>
    private Dictionary<ILocalSymbol, object?>? _delegateTargets;

    /// <summary>In a caller: the one value each flow capture holds (null: assigned more than once).</summary>
    private Dictionary<CaptureId, IOperation?>? _flowCaptureValues;

    private sealed class CaptureRecord
    {
        public int Block = -1;
        public SyntaxNode? FirstUse;
        public bool UseIsFree;
        public BlockStates Outcome;
        public bool Assigns;
    }

    private bool IsBody => _bodies is not null && _method?.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction;

    /// <summary>The effects of this body on its parameters and captured variables (after Run).</summary>
    public BodyEffects? Effects()
    {
        if (_summary is null || _method is null || _captures is null)
        {
            return null;
        }

        var captures = ImmutableArray.CreateBuilder<CaptureEffect>(_captures.Count);
        foreach (var entry in _captures)
        {
            var record = entry.Value;
            captures.Add(new CaptureEffect(entry.Key, record.FirstUse, record.UseIsFree, record.Outcome, record.Assigns));
        }

        return new BodyEffects(_summary.Build(_method.Parameters), captures.MoveToImmutable());
    }

    /// <summary>A variable of an enclosing method (the body runs while it lives on).</summary>
    private bool IsOuterVariable(ISymbol symbol) =>
        symbol is ILocalSymbol or IParameterSymbol && !SymbolEqualityComparer.Default.Equals(symbol.ContainingSymbol, _method);

    private void SeedCaptures(FlowState state)
    {
        foreach (var block in _cfg.Blocks)
        {
            foreach (var operation in block.Operations)
            {
                SeedCaptures(operation, state);
            }

            if (block.BranchValue is { } branch)
            {
                SeedCaptures(branch, state);
            }
        }
    }

    private void SeedCaptures(IOperation root, FlowState state)
    {
        foreach (var operation in root.DescendantsAndSelf())
        {
            var (symbol, type) = operation switch
            {
                ILocalReferenceOperation local => ((ISymbol)local.Local, local.Local.Type),
                IParameterReferenceOperation parameter => (parameter.Parameter, parameter.Parameter.Type),
                _ => (null, null),
            };
            if (symbol is null || !IsPointerLike(type) || !IsOuterVariable(symbol) || _captures!.ContainsKey(symbol))
            {
                continue;
            }

            var variable = symbol;
            var id = NewBlock(state, KnownSite(variable) ?? NewSite(variable, new BlockOrigin(OriginKind.Captured, operation.Syntax, "captured '" + variable.Name + "'", variable.Name)), BlockStates.Live);
            _captures[variable] = new CaptureRecord { Block = id };
            state.Write(new VarKey(variable), PointerValues.Single(id));
        }
    }

    /// <summary>In a body: the first use (or free) of a block a captured variable held on entry, while still live.</summary>
    private void NoteCapturedUse(ImmutableArray<PointerValue> values, SyntaxNode at, bool isFree, FlowState state)
    {
        if (_captures is null || !_reporting || values.IsDefault)
        {
            return;
        }

        foreach (var value in values)
        {
            if (value.IsBlock && state.Blocks.TryGetValue(value.Block, out var facts) && facts.Origin.Kind == OriginKind.Captured
                && (facts.States & BlockStates.Live) != 0)
            {
                foreach (var record in _captures.Values)
                {
                    if (record.Block == value.Block && record.FirstUse is null)
                    {
                        record.FirstUse = at;
                        record.UseIsFree = isFree;
                    }
                }
            }
        }
    }

    private void NoteCapturedExit(FlowState state)
    {
        if (_captures is null)
        {
            return;
        }

        foreach (var record in _captures.Values)
        {
            if (record.Block >= 0 && state.Blocks.TryGetValue(record.Block, out var facts))
            {
                record.Outcome |= facts.States;
            }
        }
    }

    /// <summary>In a body: the caller's variable is assigned (it outlives the body, so the value is handed over).</summary>
    private void NoteOuterWrite(VarKey key, ImmutableArray<PointerValue> values, FlowState state)
    {
        if (_captures is null || key.IsCapture || key.Member is not null || key.Index != VarKey.NoIndex
            || key.Root is not { } root || !IsOuterVariable(root))
        {
            return;
        }

        Escape(values, state);
        if (!_captures.TryGetValue(root, out var record))
        {
            record = new CaptureRecord();
            _captures[root] = record;
        }

        record.Assigns = true;
    }

    /// <summary>The lambda or local function an operation denotes, if it is one known body.</summary>
    private object? BodyTargetOf(IOperation? operation)
    {
        var depth = 0;
        while (true)
        {
            switch (operation)
            {
                case IConversionOperation conversion:
                    operation = conversion.Operand;
                    continue;
                case IDelegateCreationOperation creation:
                    operation = creation.Target;
                    continue;
                case IParenthesizedOperation parenthesized:
                    operation = parenthesized.Operand;
                    continue;
                case IFlowAnonymousFunctionOperation lambda:
                    return lambda;
                case IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference:
                    return reference.Method.OriginalDefinition;
                case ILocalReferenceOperation local:
                    (_delegateTargets ??= DelegateTargets()).TryGetValue(local.Local, out var target);
                    return target;
                case IFlowCaptureReferenceOperation reference when (depth += 1) < 8:
                    // a?.Invoke(): the graph captures 'a' and invokes through the capture.
                    (_flowCaptureValues ??= FlowCaptureValues()).TryGetValue(reference.Id, out var captured);
                    operation = captured;
                    continue;
                default:
                    return null;
            }
        }
    }

    /// <summary>The value each flow capture of this graph is given, when it is given exactly one.</summary>
    private Dictionary<CaptureId, IOperation?> FlowCaptureValues()
    {
        var values = new Dictionary<CaptureId, IOperation?>();
        foreach (var block in _cfg.Blocks)
        {
            foreach (var root in block.Operations)
            {
                foreach (var operation in root.DescendantsAndSelf())
                {
                    if (operation is IFlowCaptureOperation capture)
                    {
                        values[capture.Id] = values.ContainsKey(capture.Id) ? null : capture.Value;
                    }
                }
            }
        }

        return values;
    }

    private BodyEffects? EffectsOf(object? target)
    {
        if (_bodies is null)
        {
            return null;
        }

        return target switch
        {
            IFlowAnonymousFunctionOperation lambda =>
                _bodies.Get(lambda.Symbol, () => _cfg.GetAnonymousFunctionControlFlowGraph(lambda, _context.Cancellation))?.Effects,
            IMethodSymbol localFunction =>
                _bodies.Get(localFunction, () => LocalBodies.LocalFunctionGraph(_cfg, localFunction, _context.Cancellation))?.Effects,
            _ => null,
        };
    }

    /// <summary>Delegate locals assigned exactly one lambda or local function, wherever they are assigned.</summary>
    private Dictionary<ILocalSymbol, object?> DelegateTargets()
    {
        var targets = new Dictionary<ILocalSymbol, object?>(SymbolEqualityComparer.Default);
        foreach (var block in _cfg.Blocks)
        {
            foreach (var root in block.Operations)
            {
                foreach (var operation in root.DescendantsAndSelf())
                {
                    if (operation is ISimpleAssignmentOperation { Target: ILocalReferenceOperation local } assignment
                        && local.Local.Type?.TypeKind == TypeKind.Delegate)
                    {
                        var target = DirectBody(assignment.Value);
                        targets[local.Local] = targets.TryGetValue(local.Local, out var seen) && !Equals(seen, target) ? null : target;
                    }
                    else if (operation is IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: ILocalReferenceOperation passed })
                    {
                        targets[passed.Local] = null;
                    }
                }
            }
        }

        return targets;
    }

    private static object? DirectBody(IOperation operation) => AllocatorApis.Unwrap(operation) switch
    {
        IDelegateCreationOperation { Target: IFlowAnonymousFunctionOperation lambda } => lambda,
        IDelegateCreationOperation { Target: IMethodReferenceOperation { Method.MethodKind: MethodKind.LocalFunction } reference } => reference.Method.OriginalDefinition,
        IFlowAnonymousFunctionOperation lambda => lambda,
        _ => null,
    };

    /// <summary>The body runs here (<paramref name="invoked"/>) or may run during the call it is passed to.</summary>
    private void ApplyCaptures(BodyEffects body, SyntaxNode at, bool invoked, FlowState state)
    {
        foreach (var capture in body.Captures)
        {
            var key = capture.Variable is ILocalSymbol local ? KeyOf(local) : new VarKey(capture.Variable);
            var values = state.Read(key);
            if (capture.FirstUse is { } use && !values.IsDefault)
            {
                ReportCapturedUse(values, capture, use, at, state);
            }

            if (invoked && capture.Takes)
            {
                MarkFreed(values, at, state);
            }
            else if (capture.Takes || capture.Keeps)
            {
                Escape(values, state);
                if (invoked && (capture.Outcome & (BlockStates.Freed | BlockStates.MaybeTaken)) != 0)
                {
                    // Freed on some of the body's paths: a later free may repeat it (as for helpers).
                    MarkMaybeTaken(values, at, state);
                }
            }

            if (capture.Assigns)
            {
                // What the variable holds after the body is the body's business: the caller lets go.
                Escape(values, state);
                state.Write(key, default);
                state.RemoveKnown(capture.Variable);
                ForgetTerm(capture.Variable, state);
            }
        }
    }

    private void ReportCapturedUse(ImmutableArray<PointerValue> values, CaptureEffect capture, SyntaxNode use, SyntaxNode at, FlowState state)
    {
        if (!_reporting || _sink is null)
        {
            return;
        }

        foreach (var value in values)
        {
            if (value.IsBlock && state.Blocks.TryGetValue(value.Block, out var facts) && facts.MayBeFreed && facts.FreedBy is { } freedBy)
            {
                if (capture.UseIsFree)
                {
                    _sink.Report(HeapDiagnostics.DoubleFree, at, freedBy, use, null,
                        capture.Variable.Name, DiagnosticSink.Where(freedBy), facts.Origin.Allocator?.Describe() ?? facts.Origin.Source);
                }
                else
                {
                    _sink.Report(HeapDiagnostics.UseAfterFree, at, freedBy, use, null, capture.Variable.Name, DiagnosticSink.Where(freedBy));
                }

                return;
            }
        }
    }
}
