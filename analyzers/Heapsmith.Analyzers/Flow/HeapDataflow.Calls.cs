// Calls: allocating, freeing and reallocating members of heaps and other allocators, arena
// release, and ordinary calls (whose pointer arguments are borrowed unless the parameter is
// [OwnershipTakes] or the callee's inferred summary takes it). Also the checks these imply.
using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers.Flow;

internal sealed partial class HeapDataflow
{
    private ImmutableArray<PointerValue> EvalInvocation(IInvocationOperation invocation, FlowState state)
    {
        var api = _context.Apis.Classify(invocation);
        if (api.Kind == ApiKind.None)
        {
            if (_context.Apis.SpanOfFirstElementAddress(invocation.TargetMethod, invocation.Arguments) is { } span)
            {
                // A pointer recovered from a span: the block the span is a view of.
                return Eval(span, state);
            }

            // h.ToPointer(), h.ToInt64(): the same address, another type.
            if (invocation.Instance is { Type.SpecialType: SpecialType.System_IntPtr or SpecialType.System_UIntPtr } address
                && invocation.Arguments.IsEmpty && invocation.TargetMethod.Name is "ToPointer" or "ToInt64" or "ToUInt64")
            {
                return Eval(address, state);
            }

            // Unsafe.AsPointer(ref x) is &x; handle.AddrOfPinnedObject() points into a managed object.
            if (invocation.TargetMethod is { Name: "AsPointer", ContainingType: { Name: "Unsafe", ContainingNamespace.Name: "CompilerServices" } }
                && invocation.Arguments.Length == 1 && KeyOfPlace(invocation.Arguments[0].Value, state) is { } target)
            {
                var id = NewBlock(state, KnownSite(invocation) ?? NewSite(invocation, new BlockOrigin(
                    OriginKind.AddressOf, invocation.Syntax, "&" + target.Describe(), Holder(invocation.Syntax), addressTarget: target)), BlockStates.Live);
                return PointerValues.Single(id);
            }

            if (invocation.TargetMethod is { Name: "AddrOfPinnedObject", ContainingType.Name: "GCHandle" } && invocation.Arguments.IsEmpty)
            {
                Eval(invocation.Instance, state);
                var id = NewBlock(state, KnownSite(invocation) ?? NewSite(invocation, new BlockOrigin(
                    OriginKind.Pinned, invocation.Syntax, "AddrOfPinnedObject", Holder(invocation.Syntax))), BlockStates.Live);
                return PointerValues.Single(id);
            }

            return EvalCall(invocation, invocation.TargetMethod, invocation.Arguments, invocation.Instance, state);
        }

        Eval(invocation.Instance, state);
        var arguments = EvalArguments(invocation.Arguments, state);
        switch (api.Kind)
        {
            case ApiKind.Alloc:
                return Allocate(invocation, api, state);
            case ApiKind.Free when arguments.Length > 0:
                Free(arguments[0], api, invocation.Syntax, invocation.Arguments[0].Value, state);
                return default;
            case ApiKind.Realloc when arguments.Length > 0:
                // Realloc(null, n) allocates; otherwise the old block is freed on success.
                Free(arguments[0], api, invocation.Syntax, invocation.Arguments[0].Value, state);
                return Allocate(invocation, api, state);
            case ApiKind.ArenaRelease:
                ReleaseArena(api.Allocator!, invocation.Syntax, state);
                return default;
            case ApiKind.Query when arguments.Length > 0 && invocation.TargetMethod.Name == "UsableSize":
                // Its answer means nothing once the block may be reused (glibc says the same of
                // malloc_usable_size); Owns is a question about the pointer, not the block.
                CheckUse(arguments[0], invocation.Arguments[0].Value.Syntax, state);
                return default;
            default:
                return default;
        }
    }

    private ImmutableArray<PointerValue> EvalCreation(IObjectCreationOperation creation, FlowState state)
    {
        // new IntPtr(p), new nint(p): the same pointer as an integer.
        if (creation.Type?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr && creation.Arguments.Length == 1)
        {
            return Eval(creation.Arguments[0].Value, state);
        }

        var result = EvalCall(creation, creation.Constructor, creation.Arguments, null, state);
        Eval(creation.Initializer, state);
        return result;
    }

    private ImmutableArray<PointerValue> EvalCall(IOperation call, IMethodSymbol? method, ImmutableArray<IArgumentOperation> arguments, IOperation? instance, FlowState state)
    {
        var receiver = Eval(instance, state);
        if (instance is not null && IsSpan(instance.Type))
        {
            // span.Clear(), span.CopyTo(…): the span is a view of the block it was made over.
            CheckUse(receiver, instance.Syntax, state);
        }

        var values = EvalArguments(arguments, state);
        ReachCatches(state);
        ForgetSharedFields(state);

        // A local function called, or a delegate that holds a known lambda invoked: its body runs here.
        var body = _bodies is null || method is null ? null
            : method.MethodKind == MethodKind.LocalFunction ? EffectsOf(method.OriginalDefinition)
            : method.MethodKind == MethodKind.DelegateInvoke ? EffectsOf(BodyTargetOf(instance))
            : null;
        var summary = body?.Parameters ?? (method is null ? null : SummaryOf(method));
        for (var i = 0; i < arguments.Length; i++)
        {
            if (_bodies is not null && EffectsOf(BodyTargetOf(arguments[i].Value)) is { } passed)
            {
                // A lambda handed to a call may run during it (List.ForEach, Parallel.For, a callback).
                ApplyCaptures(passed, arguments[i].Value.Syntax, invoked: false, state);
            }

            var parameter = arguments[i].Parameter;
            if (parameter?.RefKind is RefKind.Ref or RefKind.Out)
            {
                // The callee may replace or free what the variable holds: stop tracking it, unless
                // the callee's summary says it writes a fresh block there (Make(out p)).
                Escape(values[i], state);
                if (KeyOfPlace(arguments[i].Value, state) is { } place)
                {
                    var received = parameter.RefKind == RefKind.Out && method is not null && summary?.OutParameterOwned(parameter.Ordinal) == true
                        ? PointerValues.Single(NewBlock(state, KnownSite(arguments[i]) ?? NewSite(arguments[i], new BlockOrigin(
                            OriginKind.Returned, arguments[i].Syntax, method.Name, place.Describe())), BlockStates.Live))
                        : default;
                    state.Write(place, received);
                    if (place.Root is { } root && place.Member is null)
                    {
                        state.RemoveKnown(root);
                        ForgetTerm(root, state);
                    }
                }

                continue;
            }

            if (values[i].IsDefault)
            {
                continue;
            }

            if (parameter is not null && (_context.Apis.TakesOwnership(parameter) || summary?.TakesParameter(parameter.Ordinal) == true))
            {
                // The callee frees it: handing over a block that may be freed already frees it twice.
                if (!ReportDoubleFree(values[i], call.Syntax, arguments[i].Value.Syntax, state))
                {
                    CheckUse(values[i], arguments[i].Value.Syntax, state);
                }

                MarkFreed(values[i], call.Syntax, state);
                continue;
            }

            if (_context.Apis.KeepsArguments(method))
            {
                // SafeHandle.SetHandle: the handle object keeps the address and frees it later.
                CheckUse(values[i], arguments[i].Value.Syntax, state);
                Escape(values[i], state);
                continue;
            }

            var mayFree = parameter is not null && summary?.MayFreeParameter(parameter.Ordinal) == true;
            // The callee may free it: a block freed already may be freed again. Not one that an
            // earlier such call may have freed: Release(node); Release(node); is reference counting.
            if (!mayFree || !ReportDoubleFree(values[i], call.Syntax, arguments[i].Value.Syntax, state, afterMaybeTaken: false))
            {
                CheckUse(values[i], arguments[i].Value.Syntax, state);
            }

            // The escape option reads only calls nothing is known about: no annotation (handled
            // above), no summary (not a local function or a same-compilation helper), not the
            // framework (NativeMemory.Clear, Buffer.MemoryCopy borrow).
            if ((_context.UnannotatedCallsEscape && summary is null && !IsFramework(method)) || IsCollectionStore(method)
                || IsInterlockedStore(method, parameter)
                || (parameter is not null && summary?.KeepsParameter(parameter.Ordinal) == true))
            {
                Escape(values[i], state);
            }

            if (mayFree)
            {
                MarkMaybeTaken(values[i], call.Syntax, state);
            }
        }

        if (body is not null)
        {
            // a?.Invoke(): reported at the whole conditional access, not at its '.Invoke()' half.
            var at = call.Syntax.Parent is ConditionalAccessExpressionSyntax access && access.WhenNotNull == call.Syntax ? access : call.Syntax;
            ApplyCaptures(body, at, invoked: true, state);
        }

        var result = default(ImmutableArray<PointerValue>);
        if (method is not null && (_context.Apis.ReturnsOwnership(method) || summary?.ReturnsOwned == true))
        {
            var allocator = summary?.ReturnAllocator;
            var id = NewBlock(state, KnownSite(call) ?? NewSite(call, new BlockOrigin(
                allocator is null ? OriginKind.Returned : OriginKind.Allocated, call.Syntax, method.Name, Holder(call.Syntax), allocator)), BlockStates.Live);
            result = PointerValues.Single(id);
        }

        // The result holds an argument: a wrapper that returns it (in a struct, a tuple), a span over it.
        for (var i = 0; i < arguments.Length; i++)
        {
            if (!values[i].IsDefault && arguments[i].Parameter is { } parameter
                && (summary?.ReturnsParameter(parameter.Ordinal) == true || (i == 0 && IsSpanOverPointer(call, parameter))))
            {
                result = result.IsDefault ? values[i] : PointerValues.Union(result, values[i]);
            }
        }

        return result;
    }

    /// <summary>new Span&lt;T&gt;(p, n), new ReadOnlySpan&lt;T&gt;(p, n): the span is a view of p's block.</summary>
    private static bool IsSpanOverPointer(IOperation call, IParameterSymbol parameter) =>
        call is IObjectCreationOperation creation && IsSpan(creation.Type) && parameter.Type.TypeKind == TypeKind.Pointer;

    private static bool IsSpan(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    /// <summary>Interlocked.Exchange/CompareExchange(ref location, value, …) stores value in location.</summary>
    private static bool IsInterlockedStore(IMethodSymbol? method, IParameterSymbol? parameter) =>
        method is { Name: "Exchange" or "CompareExchange", ContainingType: { Name: "Interlocked", ContainingNamespace.Name: "Threading" } }
        && parameter?.Name == "value";

    /// <summary>A member of the framework (System.*), which never takes a pointer it is not annotated for.</summary>
    private static bool IsFramework(IMethodSymbol? method)
    {
        if (method is null || method.DeclaringSyntaxReferences.Length > 0)
        {
            return false;
        }

        var root = method.ContainingType?.ContainingNamespace;
        while (root?.ContainingNamespace is { IsGlobalNamespace: false } parent)
        {
            root = parent;
        }

        return root?.Name == "System";
    }

    private ImmutableArray<PointerValue>[] EvalArguments(ImmutableArray<IArgumentOperation> arguments, FlowState state)
    {
        if (arguments.IsEmpty)
        {
            return Array.Empty<ImmutableArray<PointerValue>>();
        }

        var values = new ImmutableArray<PointerValue>[arguments.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = Eval(arguments[i].Value, state);
        }

        return values;
    }

    private MethodSummary? SummaryOf(IMethodSymbol method) =>
        method.IsVirtual || method.IsAbstract || method.IsOverride || method.ContainingType?.TypeKind == TypeKind.Interface
            ? null
            : _context.Summaries?.Invoke(method);

    /// <summary>Add/Push/Enqueue/Insert on a collection: the element outlives the method.</summary>
    private static bool IsCollectionStore(IMethodSymbol? method) =>
        method is { IsStatic: false, Name: "Add" or "Push" or "Enqueue" or "Insert" or "TryAdd" or "AddLast" or "AddFirst" }
        && method.ContainingType.AllInterfaces.Any(i => i.Name == "IEnumerable");

    private ImmutableArray<PointerValue> Allocate(IInvocationOperation invocation, ApiCall api, FlowState state)
    {
        var id = NewBlock(state, KnownSite(invocation) ?? NewSite(invocation, new BlockOrigin(OriginKind.Allocated, invocation.Syntax, api.Name, Holder(invocation.Syntax), api.Allocator)), BlockStates.Live);
        return PointerValues.Single(id);
    }

    /// <summary>A free (or the freeing half of Realloc): HEAP001 when it may be freed already, HEAP002 when this deallocator does not own it.</summary>
    private void Free(ImmutableArray<PointerValue> values, ApiCall api, SyntaxNode call, IOperation argument, FlowState state)
    {
        var pointer = argument.Syntax;
        if (values.IsDefault)
        {
            return;
        }

        var tracked = false;
        foreach (var value in values)
        {
            tracked |= !value.IsNull && state.Blocks.ContainsKey(value.Block);
        }

        if (!tracked)
        {
            return;
        }

        NoteCapturedUse(values, call, isFree: true, state);
        ReportDoubleFree(values, call, pointer, state);

        var interior = false;
        foreach (var value in values)
        {
            if (value.IsNull || !state.Blocks.TryGetValue(value.Block, out var facts))
            {
                continue;
            }

            var origin = facts.Origin;
            string? advice = null;
            var memory = origin.DescribeMemory();
            if (origin.IsUnownedMemory)
            {
                advice = origin.Kind == OriginKind.Stack
                    ? "stack memory is released when the method returns; do not free it"
                    : "only free pointers an allocator returned";
            }
            else if (origin.Kind == OriginKind.Allocated && !origin.Allocator!.Matches(api.Allocator!))
            {
                advice = "free it with " + origin.Allocator.Deallocator();
            }
            else if (origin.IsOwned && InteriorOffset(value, state) is { } offset)
            {
                memory = "an interior pointer, offset by " + offset + " from the start of " + memory;
                advice = "free the pointer the allocator returned";
                interior = true;
            }

            if (advice is not null)
            {
                if (_reporting)
                {
                    var properties = ImmutableDictionary<string, string?>.Empty
                        .Add("Deallocator", origin.Allocator?.Deallocator())
                        .Add("OriginKind", interior ? "Interior" : origin.Kind.ToString());
                    _sink?.Report(HeapDiagnostics.FreeOfUnownedMemory, call, origin.Site, properties, DiagnosticSink.Text(pointer), memory, api.Name, advice);
                }

                break;
            }
        }

        if (interior)
        {
            // The block was meant to be freed but was not: following it further would only repeat
            // this finding as a leak or a double free (Clang's checker ends the path here).
            Escape(values, state);
            return;
        }

        MarkFreed(values, call, state, KeyOfPlace(Unwrap(argument), state));
    }

    /// <summary>HEAP001 when a block the values may point to may be freed already (with
    /// <paramref name="afterMaybeTaken"/>, also by a callee that frees it on some paths); true when there is one.</summary>
    private bool ReportDoubleFree(ImmutableArray<PointerValue> values, SyntaxNode call, SyntaxNode pointer, FlowState state, bool afterMaybeTaken = true)
    {
        if (values.IsDefault)
        {
            return false;
        }

        foreach (var value in values)
        {
            if (!value.IsNull && state.Blocks.TryGetValue(value.Block, out var facts) && (afterMaybeTaken ? facts.FreeMayRepeat : facts.MayBeFreed)
                && facts.FreedBy is { } earlier)
            {
                if (_reporting)
                {
                    _sink?.Report(
                        HeapDiagnostics.DoubleFree, call, earlier, null,
                        DiagnosticSink.Text(pointer), DiagnosticSink.Where(earlier), facts.Origin.Allocator?.Describe() ?? facts.Origin.Source);
                }

                return true;
            }
        }

        return false;
    }

    /// <summary>"8 bytes", "4 × 'i' bytes": how far a pointer that is not the block's start is from it;
    /// null when it is the start, or may be (an unknown offset, or a symbolic one the state knows is 0).</summary>
    private static string? InteriorOffset(PointerValue value, FlowState state)
    {
        if (value.Term is { } term && state.Known.TryGetValue(term, out var known) && known is long number)
        {
            value = value.WithTermValue(number);
        }

        if (value.IsKnownInterior)
        {
            return value.Offset + (value.Offset is 1 or -1 ? " byte" : " bytes");
        }

        if (value.Term is null)
        {
            return null;
        }

        var text = value.Scale switch
        {
            1 => "'" + value.Term.Name + "'",
            -1 => "-'" + value.Term.Name + "'",
            _ => value.Scale + " × '" + value.Term.Name + "'",
        };
        text += value.Offset switch
        {
            0 => string.Empty,
            > 0 => " + " + value.Offset,
            _ => " - " + (-value.Offset),
        };
        return text + " bytes";
    }

    /// <summary>The block is gone for this method: freed here or taken by a callee. When the pointer
    /// may be one of several blocks, each is only maybe freed, unless nothing but the freed
    /// variable (<paramref name="place"/>) holds it: then on every path where it still exists the
    /// variable points to it (a loop's Realloc result joined with the block before the loop).</summary>
    private static void MarkFreed(ImmutableArray<PointerValue> values, SyntaxNode by, FlowState state, VarKey? place = null)
    {
        if (values.IsDefault)
        {
            return;
        }

        // One block: it is certainly freed (a strong update); several: each may be.
        var first = PointerValue.NullBlock;
        var strong = true;
        foreach (var value in values)
        {
            if (!value.IsNull && state.Blocks.ContainsKey(value.Block))
            {
                strong &= first == PointerValue.NullBlock || first == value.Block;
                first = first == PointerValue.NullBlock ? value.Block : first;
            }
        }

        foreach (var value in values)
        {
            if (value.IsNull || !state.Blocks.TryGetValue(value.Block, out var facts) || facts.Origin.IsUnownedMemory)
            {
                continue;
            }

            var sole = strong || (place is { } freed && !state.IsReferenced(value.Block, freed));
            var states = sole ? BlockStates.Freed : facts.States | BlockStates.Freed;
            if (facts.FreedBy == by && facts.States == states)
            {
                continue;
            }

            state.SetBlock(value.Block, new BlockFacts(facts.Origin, states, by));
        }
    }

    /// <summary>A callee frees the block on some paths: no leak here (it was kept), but a later free may repeat it.</summary>
    private static void MarkMaybeTaken(ImmutableArray<PointerValue> values, SyntaxNode by, FlowState state)
    {
        if (values.IsDefault)
        {
            return;
        }

        foreach (var value in values)
        {
            if (value.IsNull || !state.Blocks.TryGetValue(value.Block, out var facts) || facts.Origin.IsUnownedMemory
                || (facts.States & (BlockStates.Live | BlockStates.Escaped)) == 0 || (facts.States & BlockStates.MaybeTaken) != 0)
            {
                continue;
            }

            var states = (facts.States & ~BlockStates.Live) | BlockStates.Escaped | BlockStates.MaybeTaken;
            state.SetBlock(value.Block, new BlockFacts(facts.Origin, states, facts.FreedBy ?? by));
        }
    }

    private static void ReleaseArena(Allocator arena, SyntaxNode by, FlowState state)
    {
        foreach (var entry in state.Blocks.ToList())
        {
            var allocator = entry.Value.Origin.Allocator;
            if (allocator?.Kind == AllocatorKind.Arena && allocator.Matches(arena)
                && (allocator.ArenaInstance is null) == (arena.ArenaInstance is null))
            {
                state.SetBlock(entry.Key, new BlockFacts(entry.Value.Origin, BlockStates.Released, by));
            }
        }
    }

    /// <summary>HEAP004 when a value that may point to a freed block is read, written or passed on.</summary>
    private void CheckUse(ImmutableArray<PointerValue> values, SyntaxNode at, FlowState state)
    {
        NoteCapturedUse(values, at, isFree: false, state);
        if (values.IsDefault || !_reporting || _sink is null)
        {
            return;
        }

        foreach (var value in values)
        {
            if (!value.IsNull && state.Blocks.TryGetValue(value.Block, out var facts) && facts.MayBeFreed && facts.FreedBy is { } freedBy)
            {
                _sink.Report(HeapDiagnostics.UseAfterFree, at, freedBy, null, DiagnosticSink.Text(at), DiagnosticSink.Where(freedBy));
                return;
            }
        }
    }

    /// <summary>The value is stored where it outlives the method: it no longer needs a free here.</summary>
    private static void Escape(ImmutableArray<PointerValue> values, FlowState state)
    {
        if (values.IsDefault)
        {
            return;
        }

        foreach (var value in values)
        {
            if (!value.IsNull && state.Blocks.TryGetValue(value.Block, out var facts) && (facts.States & BlockStates.Live) != 0)
            {
                state.SetBlock(value.Block, facts.With((facts.States & ~BlockStates.Live) | BlockStates.Escaped, null));
            }
        }
    }

    /// <summary>Control leaves the method: every owned block still live leaks through this exit.</summary>
    private void LeaveMethod(FlowState state, string exit, SyntaxNode? at)
    {
        if (!_reporting)
        {
            return;
        }

        _summary?.NoteExit(state);
        NoteCapturedExit(state);
        foreach (var facts in state.Blocks.Values)
        {
            if (facts.Origin.NeedsFree && (facts.States & BlockStates.Live) != 0)
            {
                ReportLeak(facts.Origin, exit, at);
            }
        }
    }

    private void ReportLeak(BlockOrigin origin, string exit, SyntaxNode? at)
    {
        if (_reporting)
        {
            // The deallocator is for code fixes (wrap in try/finally with the right free).
            var properties = ImmutableDictionary<string, string?>.Empty
                .Add("Deallocator", origin.Allocator?.Deallocator())
                .Add("Holder", origin.Holder);
            _sink?.Report(HeapDiagnostics.MissingFree, origin.Site, at, properties, origin.Source, origin.Holder, exit);
        }
    }
}
