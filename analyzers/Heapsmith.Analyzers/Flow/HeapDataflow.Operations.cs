// The meaning of each operation for the dataflow: what pointer values an expression yields,
// what assignments store where, and which calls allocate, free, take or borrow. Pointer
// dereference and pointer element access have no IOperation of their own (OperationKind.None):
// they are recognised from their syntax.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers.Flow;

internal sealed partial class HeapDataflow
{
    /// <summary>Evaluates <paramref name="operation"/> for its effects; returns the pointer values it yields (default: not tracked).</summary>
    private ImmutableArray<PointerValue> Eval(IOperation? operation, FlowState state)
    {
        if (operation is null)
        {
            return default;
        }

        if (operation.ConstantValue.HasValue)
        {
            var constant = operation.ConstantValue.Value;
            return constant is null || (IsPointerLike(operation.Type) && ConstNumber(constant) == 0) ? PointerValues.NullOnly : default;
        }

        switch (operation)
        {
            case IConversionOperation conversion:
                return Eval(conversion.Operand, state);
            case ILocalReferenceOperation local:
                return state.Read(KeyOf(local.Local));
            case IParameterReferenceOperation parameter:
                return state.Read(new VarKey(parameter.Parameter));
            case IFlowCaptureReferenceOperation reference:
                return state.Read(new VarKey(reference.Id));
            case IFlowCaptureOperation capture:
                if (capture.Value is ILocalReferenceOperation or IParameterReferenceOperation)
                {
                    // Maybe the target of an assignment whose value branches (p = c ? a : b).
                    (_placeCaptures ??= new Dictionary<CaptureId, IOperation>())[capture.Id] = capture.Value;
                }

                state.Write(new VarKey(capture.Id), Eval(capture.Value, state));
                return default;
            case ITupleOperation tuple:
                // (n, block): the tuple holds the block (returned, it is handed over).
                var elements = default(ImmutableArray<PointerValue>);
                foreach (var element in tuple.Elements)
                {
                    var held = Eval(element, state);
                    elements = held.IsDefault ? elements : elements.IsDefault ? held : PointerValues.Union(elements, held);
                }

                return elements;
            case ISimpleAssignmentOperation assignment:
                return EvalAssignment(assignment, state);
            case ICompoundAssignmentOperation compound:
                return EvalCompound(compound, state);
            case IIncrementOrDecrementOperation increment:
                return EvalIncrement(increment, state);
            case IInvocationOperation invocation:
                return EvalInvocation(invocation, state);
            case IObjectCreationOperation creation:
                return EvalCreation(creation, state);
            case IBinaryOperation binary:
                return EvalBinary(binary, state);
            case IAddressOfOperation addressOf:
                return EvalAddressOf(addressOf, state);
            case IFieldReferenceOperation field:
                Eval(field.Instance, state);
                return KeyOfField(field) is { } fieldKey ? ReadField(fieldKey, field, state)
                    : KeyOfSharedField(field) is { } sharedKey ? state.Read(sharedKey) : default;
            case IArrayElementReferenceOperation element:
                Eval(element.ArrayReference, state);
                foreach (var index in element.Indices)
                {
                    Eval(index, state);
                }

                return KeyOfElement(element, state) is { } elementKey ? state.Read(elementKey) : default;
            case IFlowAnonymousFunctionOperation lambda:
                _lambdas.Add(lambda);
                _captured ??= CapturedVariables.Of(_cfg.OriginalOperation, followDirectCalls: _bodies is not null);
                EscapeCaptured(state);
                return default;
            case IIsPatternOperation { Pattern: IDeclarationPatternOperation { DeclaredSymbol: ILocalSymbol declared } } pattern:
                // x is var p / x is T p: p holds x from here on.
                WriteVar(KeyOf(declared), Eval(pattern.Value, state), pattern.Syntax, state);
                return default;
            case IDefaultValueOperation:
                return IsPointerLike(operation.Type) ? PointerValues.NullOnly : default;
            case IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } spanInstance } indexer when IsSpan(spanInstance.Type):
                // span[i] reads the block the span was made over.
                var span = Eval(spanInstance, state);
                foreach (var argument in indexer.Arguments)
                {
                    Eval(argument, state);
                }

                CheckUse(span, indexer.Syntax, state);
                return default;
        }

        if (operation.Kind == OperationKind.None)
        {
            return EvalNone(operation, state);
        }

        foreach (var child in operation.ChildOperations)
        {
            Eval(child, state);
        }

        return default;
    }

    private ImmutableArray<PointerValue> EvalAssignment(ISimpleAssignmentOperation assignment, FlowState state)
    {
        if (assignment.IsRef)
        {
            // ref byte* r = ref p: r names p's storage from here on.
            if (assignment.Target is ILocalReferenceOperation refLocal && KeyOfPlace(assignment.Value, state) is { } place)
            {
                _refAliases[refLocal.Local] = place;
            }

            return default;
        }

        var values = Eval(assignment.Value, state);
        Assign(assignment.Target, values, assignment.Value, assignment.Syntax, state);
        return values;
    }

    private ImmutableArray<PointerValue> EvalCompound(ICompoundAssignmentOperation compound, FlowState state)
    {
        var current = Eval(compound.Target, state);
        var amount = Eval(compound.Value, state);
        if (current.IsDefault || amount.IsDefault == false)
        {
            Assign(compound.Target, default, null, compound.Syntax, state);
            return default;
        }

        var shifted = compound.OperatorKind is BinaryOperatorKind.Add or BinaryOperatorKind.Subtract
            ? ShiftByOperand(current, compound.Value, ElementSize(compound.Target.Type), compound.OperatorKind == BinaryOperatorKind.Subtract, state)
            : default;
        Assign(compound.Target, shifted, null, compound.Syntax, state);
        return shifted;
    }

    private ImmutableArray<PointerValue> EvalIncrement(IIncrementOrDecrementOperation increment, FlowState state)
    {
        var current = Eval(increment.Target, state);
        var sign = increment.Kind == OperationKind.Increment ? 1 : -1;
        if (increment.Target is ILocalReferenceOperation local && IsConstTracked(local.Type)
            && state.Known.TryGetValue(local.Local, out var value) && value is long number)
        {
            state.SetKnown(local.Local, number + sign);
            ForgetTerm(local.Local, state);
            return default;
        }

        if (current.IsDefault)
        {
            if (increment.Target is ILocalReferenceOperation other)
            {
                state.RemoveKnown(other.Local);
                ForgetTerm(other.Local, state);
            }
            else if (increment.Target is IParameterReferenceOperation parameter)
            {
                state.RemoveKnown(parameter.Parameter);
                ForgetTerm(parameter.Parameter, state);
            }

            return default;
        }

        var scale = ElementSize(increment.Target.Type);
        var shifted = PointerValues.Shift(current, scale is { } size ? sign * size : PointerValue.UnknownOffset);
        Assign(increment.Target, shifted, null, increment.Syntax, state);
        return increment.IsPostfix ? current : shifted;
    }

    private ImmutableArray<PointerValue> EvalBinary(IBinaryOperation binary, FlowState state)
    {
        var left = Eval(binary.LeftOperand, state);
        var right = Eval(binary.RightOperand, state);
        if (binary.OperatorKind is not (BinaryOperatorKind.Add or BinaryOperatorKind.Subtract) || !IsPointerLike(binary.Type))
        {
            return default;
        }

        // p + k, k + p, p - k: the same block at another offset (bytes: nint arithmetic counts bytes).
        var pointerOnLeft = !left.IsDefault && right.IsDefault;
        var pointer = pointerOnLeft ? left : right;
        var offsetOperand = pointerOnLeft ? binary.RightOperand : binary.LeftOperand;
        if (pointer.IsDefault || (!pointerOnLeft && binary.OperatorKind == BinaryOperatorKind.Subtract))
        {
            return default;
        }

        var scale = binary.Type!.TypeKind == TypeKind.Pointer ? ElementSize(binary.Type) : 1;
        return ShiftByOperand(pointer, offsetOperand, scale, binary.OperatorKind == BinaryOperatorKind.Subtract, state);
    }

    /// <summary>p ± k (k elements of <paramref name="scale"/> bytes): an exact offset for a constant k,
    /// a symbolic one for an integer variable, unknown otherwise.</summary>
    private ImmutableArray<PointerValue> ShiftByOperand(ImmutableArray<PointerValue> pointer, IOperation amount, long? scale, bool subtract, FlowState state)
    {
        if (scale is not { } size)
        {
            return PointerValues.Shift(pointer, PointerValue.UnknownOffset);
        }

        if (ConstLong(amount, state) is { } k)
        {
            return PointerValues.Shift(pointer, subtract ? -k * size : k * size);
        }

        if (TermOf(amount) is { } term)
        {
            _symbolicOffsets = true;
            return PointerValues.ShiftBy(pointer, term, subtract ? -size : size);
        }

        return PointerValues.Shift(pointer, PointerValue.UnknownOffset);
    }

    /// <summary>The integer local or parameter an offset is counted in (through widening conversions).</summary>
    private ISymbol? TermOf(IOperation amount)
    {
        var operand = Unwrap(amount);
        ISymbol? symbol = operand switch
        {
            ILocalReferenceOperation local when !_refAliases.ContainsKey(local.Local) && !local.Local.IsRef => local.Local,
            IParameterReferenceOperation { Parameter.RefKind: RefKind.None } parameter => parameter.Parameter,
            _ => null,
        };
        return symbol is not null && IsIntegerType(operand.Type) ? symbol : null;
    }

    private static bool IsIntegerType(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Int32 or SpecialType.System_Int64
        or SpecialType.System_UInt32 or SpecialType.System_UInt64 or SpecialType.System_Int16 or SpecialType.System_UInt16
        or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_IntPtr or SpecialType.System_UIntPtr;

    /// <summary>The variable was written: offsets counted in it no longer say where they point.</summary>
    private void ForgetTerm(ISymbol variable, FlowState state)
    {
        if (!_symbolicOffsets)
        {
            return;
        }

        List<VarKey>? stale = null;
        foreach (var entry in state.Vars)
        {
            foreach (var value in entry.Value)
            {
                if (value.Term is { } term && SymbolEqualityComparer.Default.Equals(term, variable))
                {
                    (stale ??= new List<VarKey>()).Add(entry.Key);
                    break;
                }
            }
        }

        if (stale is null)
        {
            return;
        }

        foreach (var key in stale)
        {
            var values = state.Vars[key];
            var builder = ImmutableArray.CreateBuilder<PointerValue>(values.Length);
            foreach (var value in values)
            {
                builder.Add(value.Term is { } term && SymbolEqualityComparer.Default.Equals(term, variable) ? value.WithTermValue(null) : value);
            }

            state.SetVar(key, PointerValues.Union(ImmutableArray<PointerValue>.Empty, builder.MoveToImmutable()));
        }
    }

    private ImmutableArray<PointerValue> EvalAddressOf(IAddressOfOperation addressOf, FlowState state)
    {
        var reference = addressOf.Reference;
        if (KeyOfPlace(reference, state) is { } place)
        {
            var id = NewBlock(state, KnownSite(addressOf) ?? NewSite(addressOf, new BlockOrigin(OriginKind.AddressOf, addressOf.Syntax, "&" + place.Describe(), Holder(addressOf.Syntax), addressTarget: place)), BlockStates.Live);
            return PointerValues.Single(id);
        }

        // &p[i]: the block p points into, i elements further.
        if (reference.Kind == OperationKind.None && reference.Syntax is ElementAccessExpressionSyntax)
        {
            var children = ChildList(reference);
            if (children.Length >= 2 && children[0].Type?.TypeKind == TypeKind.Pointer)
            {
                var pointer = Eval(children[0], state);
                Eval(children[1], state);
                CheckUse(pointer, reference.Syntax, state);
                return ShiftByOperand(pointer, children[1], ElementSize(children[0].Type), subtract: false, state);
            }
        }

        // &p->Field: inside the block, at an offset this analysis does not compute.
        if (reference is IFieldReferenceOperation { Instance: { } instance } && instance.Kind == OperationKind.None)
        {
            return PointerValues.Shift(EvalNone(instance, state, pointerOnly: true), PointerValue.UnknownOffset);
        }

        Eval(reference, state);
        return default;
    }

    /// <summary>stackalloc, *p, p->f, p[i]: operations Roslyn does not model, read from syntax.</summary>
    private ImmutableArray<PointerValue> EvalNone(IOperation operation, FlowState state, bool pointerOnly = false)
    {
        var children = ChildList(operation);
        switch (operation.Syntax.Kind())
        {
            case SyntaxKind.StackAllocArrayCreationExpression:
            case SyntaxKind.ImplicitStackAllocArrayCreationExpression:
                foreach (var child in children)
                {
                    Eval(child, state);
                }

                var id = NewBlock(state, KnownSite(operation) ?? NewSite(operation, new BlockOrigin(OriginKind.Stack, operation.Syntax, "stackalloc", Holder(operation.Syntax))), BlockStates.Live);
                return PointerValues.Single(id);
            case SyntaxKind.PointerIndirectionExpression:
            case SyntaxKind.PointerMemberAccessExpression:
            case SyntaxKind.ElementAccessExpression:
                if (children.Length > 0 && children[0].Type?.TypeKind == TypeKind.Pointer)
                {
                    var pointer = Eval(children[0], state);
                    for (var i = 1; i < children.Length; i++)
                    {
                        Eval(children[i], state);
                    }

                    if (pointerOnly)
                    {
                        return pointer;
                    }

                    CheckUse(pointer, operation.Syntax, state);
                    return operation.Syntax.IsKind(SyntaxKind.PointerIndirectionExpression) && AddressTarget(pointer, state) is { } target
                        ? state.Read(target)
                        : default;
                }

                break;
        }

        // p->f: the field reference's instance is an implicit dereference of p.
        if (children.Length == 1 && children[0].Type is IPointerTypeSymbol pointerType
            && SymbolEqualityComparer.Default.Equals(pointerType.PointedAtType, operation.Type))
        {
            var pointer = Eval(children[0], state);
            if (!pointerOnly)
            {
                CheckUse(pointer, operation.Syntax.Parent is MemberAccessExpressionSyntax access ? access : operation.Syntax, state);
            }

            return pointerOnly ? pointer : default;
        }

        foreach (var child in children)
        {
            Eval(child, state);
        }

        return default;
    }

    private void Assign(IOperation target, ImmutableArray<PointerValue> values, IOperation? value, SyntaxNode at, FlowState state)
    {
        switch (target)
        {
            case ILocalReferenceOperation local:
                if (local.Local.IsFixed && value is not null)
                {
                    var id = NewBlock(state, KnownSite(target) ?? NewSite(target, new BlockOrigin(OriginKind.Fixed, at, "fixed", local.Local.Name)), BlockStates.Live);
                    values = PointerValues.Single(id);
                }

                WriteVar(KeyOf(local.Local), values, at, state);
                if (value is not null && local.Local.Type is { IsValueType: true } structType && !IsPointerLike(structType))
                {
                    CopyFields(KeyOf(local.Local).Root ?? local.Local, value, state);
                }

                if (IsConstTracked(local.Type))
                {
                    SetKnown(local.Local, value, state);
                }
                else
                {
                    state.RemoveKnown(local.Local);
                }

                return;
            case IParameterReferenceOperation parameter:
                if (parameter.Parameter.RefKind is RefKind.Out or RefKind.Ref)
                {
                    // *out*/ref parameters outlive the method: the block is handed to the caller.
                    CheckUse(values, at, state);
                    Escape(values, state);
                }

                WriteVar(new VarKey(parameter.Parameter), values, at, state);
                if (IsConstTracked(parameter.Type))
                {
                    SetKnown(parameter.Parameter, value, state);
                }
                else
                {
                    state.RemoveKnown(parameter.Parameter);
                }

                return;
            case IFieldReferenceOperation field when KeyOfField(field) is { } fieldKey:
                WriteVar(fieldKey, values, at, state);
                return;
            case IFieldReferenceOperation field when KeyOfSharedField(field) is { } sharedKey:
                // A static, a field of this or of an object: the block is handed over (the field
                // outlives the method) and reads of the field yield it until a call may change it.
                Eval(field.Instance, state);
                CheckUse(values, at, state);
                Escape(values, state);
                state.Write(sharedKey, values);
                _sharedFields = true;
                return;
            case IArrayElementReferenceOperation element:
                Eval(element.ArrayReference, state);
                foreach (var index in element.Indices)
                {
                    Eval(index, state);
                }

                // An array element outlives the method as far as this analysis can tell.
                Escape(values, state);
                if (KeyOfElement(element, state) is { } elementKey)
                {
                    state.Write(elementKey, values);
                }

                return;
            case IFlowCaptureReferenceOperation capture:
                if (_placeCaptures is not null && _placeCaptures.TryGetValue(capture.Id, out var place))
                {
                    Assign(place, values, value, at, state);
                }

                state.Write(new VarKey(capture.Id), values);
                return;
        }

        if (target.Kind == OperationKind.None && target.Syntax.IsKind(SyntaxKind.PointerIndirectionExpression))
        {
            // *pp = v: writes the variable pp points to, or stores v into memory (hands it over).
            var pointer = EvalNone(target, state, pointerOnly: true);
            CheckUse(pointer, target.Syntax, state);
            if (AddressTarget(pointer, state) is { } place)
            {
                WriteVar(place, values, at, state);
                return;
            }

            Escape(values, state);
            return;
        }

        // Fields of objects, statics, properties, memory: the value is stored where it outlives the method.
        if (target.Kind == OperationKind.None)
        {
            EvalNone(target, state);
        }
        else if (target is IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } span } && IsSpan(span.Type))
        {
            // span[i] = v writes the block the span was made over.
            Eval(target, state);
        }
        else
        {
            foreach (var child in target.ChildOperations)
            {
                Eval(child, state);
            }
        }

        CheckUse(values, at, state);
        Escape(values, state);
    }

    private void WriteVar(VarKey key, ImmutableArray<PointerValue> values, SyntaxNode at, FlowState state)
    {
        var old = state.Read(key);
        state.Write(key, values);
        NoteOuterWrite(key, values, state);
        if (key.Member is null && key.Index == VarKey.NoIndex && key.Root is { } variable)
        {
            ForgetTerm(variable, state);
        }

        if (key.Root is { } root && _captured?.Contains(root) == true)
        {
            Escape(values, state);
        }

        if (old.IsDefault)
        {
            return;
        }

        // Overwriting the last reference to a live owned block leaks it.
        foreach (var previous in old)
        {
            if (previous.IsNull || Holds(values, previous.Block)
                || !state.Blocks.TryGetValue(previous.Block, out var facts)
                || !facts.Origin.NeedsFree || (facts.States & BlockStates.Live) == 0
                || state.IsReferenced(previous.Block, null))
            {
                continue;
            }

            ReportLeak(facts.Origin, "the assignment to '" + key.Describe() + "' at line " + DiagnosticSink.LineOf(at), at);
            state.SetBlock(previous.Block, facts.With((facts.States & ~BlockStates.Live) | BlockStates.Escaped, null));
        }
    }

    /// <summary>A field another method may write: a static, a field of this, of a reference-type
    /// local or parameter (whose object others may share).</summary>
    private static VarKey? KeyOfSharedField(IFieldReferenceOperation field)
    {
        if (!IsPointerLike(field.Type))
        {
            return null;
        }

        if (field.Field.IsStatic || field.Instance is IInstanceReferenceOperation)
        {
            return new VarKey(field.Field);
        }

        return field.Instance switch
        {
            ILocalReferenceOperation { Local: { IsRef: false, Type.IsReferenceType: true } local } => new VarKey(local, field.Field),
            IParameterReferenceOperation { Parameter: { RefKind: RefKind.None, Type.IsReferenceType: true } parameter } => new VarKey(parameter, field.Field),
            _ => null,
        };
    }

    /// <summary>A call may write any field others can reach: what they held is no longer known.</summary>
    private void ForgetSharedFields(FlowState state)
    {
        if (!_sharedFields)
        {
            return;
        }

        List<VarKey>? stale = null;
        foreach (var entry in state.Vars)
        {
            var root = entry.Key.Root;
            if ((root is IFieldSymbol || (entry.Key.Member is not null && root is ILocalSymbol { Type.IsReferenceType: true } or IParameterSymbol { Type.IsReferenceType: true }))
                && !PointerValues.IsUnknown(entry.Value))
            {
                (stale ??= new List<VarKey>()).Add(entry.Key);
            }
        }

        foreach (var key in stale ?? Enumerable.Empty<VarKey>())
        {
            state.Write(key, default);
        }
    }

    /// <summary>copy = h for a struct: copy's fields hold what h's fields held (and nothing else).</summary>
    private void CopyFields(ISymbol target, IOperation value, FlowState state)
    {
        var source = Unwrap(value) is ILocalReferenceOperation { Local: var local } ? KeyOf(local).Root ?? local : null;
        List<KeyValuePair<VarKey, ImmutableArray<PointerValue>>>? changes = null;
        foreach (var entry in state.Vars)
        {
            if (entry.Key.Member is null || entry.Key.Root is null)
            {
                continue;
            }

            if (SymbolEqualityComparer.Default.Equals(entry.Key.Root, target))
            {
                (changes ??= new()).Add(new(entry.Key, default));
            }
            else if (source is not null && SymbolEqualityComparer.Default.Equals(entry.Key.Root, source))
            {
                (changes ??= new()).Add(new(new VarKey(target, entry.Key.Member), entry.Value));
            }
        }

        foreach (var change in changes ?? Enumerable.Empty<KeyValuePair<VarKey, ImmutableArray<PointerValue>>>())
        {
            if (change.Value.IsDefault)
            {
                // Not copied over below: the target's old field is gone (unless the source sets it).
                state.RemoveVar(change.Key);
            }
        }

        foreach (var change in changes ?? Enumerable.Empty<KeyValuePair<VarKey, ImmutableArray<PointerValue>>>())
        {
            if (!change.Value.IsDefault)
            {
                state.SetVar(change.Key, change.Value);
            }
        }
    }

    /// <summary>A field of a struct local. Never written here, it is read from what the whole
    /// value holds when that is one block (a struct a wrapper returned with the block in it).</summary>
    private static ImmutableArray<PointerValue> ReadField(VarKey key, IFieldReferenceOperation field, FlowState state)
    {
        if (state.Vars.ContainsKey(key) || !IsPointerLike(field.Type) || key.Root is null)
        {
            return state.Read(key);
        }

        var whole = state.Read(new VarKey(key.Root));
        return !whole.IsDefault && whole.Length == 1 && whole[0].IsBlock ? whole : default;
    }

    /// <summary>The values of a returned expression and, for a struct local, of its tracked fields.</summary>
    private ImmutableArray<PointerValue> WithFields(IOperation value, ImmutableArray<PointerValue> values, FlowState state)
    {
        if (Unwrap(value) is not ILocalReferenceOperation { Local.Type: { IsValueType: true } type } local || IsPointerLike(type))
        {
            return values;
        }

        var root = KeyOf(local.Local).Root ?? local.Local;
        foreach (var entry in state.Vars)
        {
            if (entry.Key.Member is not null && SymbolEqualityComparer.Default.Equals(entry.Key.Root, root) && !PointerValues.IsUnknown(entry.Value))
            {
                values = values.IsDefault ? entry.Value : PointerValues.Union(values, entry.Value);
            }
        }

        return values;
    }

    private VarKey KeyOf(ILocalSymbol local) =>
        _refAliases.TryGetValue(local, out var alias) ? alias : new VarKey(local);

    /// <summary>The tracked place an operation names (for &amp;x and ref aliases), if any.</summary>
    private VarKey? KeyOfPlace(IOperation operation, FlowState state) => operation switch
    {
        ILocalReferenceOperation local => KeyOf(local.Local),
        IParameterReferenceOperation parameter => new VarKey(parameter.Parameter),
        IFieldReferenceOperation field => KeyOfField(field) ?? KeyOfSharedField(field),
        IDeclarationExpressionOperation declaration => KeyOfPlace(declaration.Expression, state),
        IArrayElementReferenceOperation element => KeyOfElement(element, state),
        _ => null,
    };

    /// <summary>A field of a struct local is tracked like a local of its own.</summary>
    private VarKey? KeyOfField(IFieldReferenceOperation field) =>
        !field.Field.IsStatic && field.Instance is ILocalReferenceOperation local && local.Local.Type.IsValueType
            ? new VarKey(KeyOf(local.Local).Root ?? local.Local, field.Field)
            : null;

    private static VarKey? KeyOfElement(IArrayElementReferenceOperation element, FlowState state) =>
        element.ArrayReference is ILocalReferenceOperation array && element.Indices.Length == 1
            && ConstLong(element.Indices[0], state) is { } index && index is >= 0 and < int.MaxValue
            ? new VarKey(array.Local, index: (int)index)
            : null;

    /// <summary>For a pointer made by &amp;x: x.</summary>
    private static VarKey? AddressTarget(ImmutableArray<PointerValue> pointer, FlowState state)
    {
        if (pointer.IsDefault || pointer.Length != 1 || pointer[0].IsNull || pointer[0].Offset != 0)
        {
            return null;
        }

        return state.Blocks.TryGetValue(pointer[0].Block, out var facts) ? facts.Origin.AddressTarget : null;
    }

    private void EscapeCaptured(FlowState state)
    {
        foreach (var entry in state.Vars)
        {
            if (entry.Key.Root is { } root && _captured?.Contains(root) == true)
            {
                Escape(entry.Value, state);
            }
        }
    }

    private static bool Holds(ImmutableArray<PointerValue> values, int block)
    {
        if (values.IsDefault)
        {
            return false;
        }

        foreach (var value in values)
        {
            if (value.Block == block)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The children of an operation Roslyn does not model (*p, p[i]: one or two).</summary>
    private static IOperation[] ChildList(IOperation operation)
    {
        var count = 0;
        foreach (var unused in operation.ChildOperations)
        {
            count++;
        }

        if (count == 0)
        {
            return Array.Empty<IOperation>();
        }

        var children = new IOperation[count];
        var i = 0;
        foreach (var child in operation.ChildOperations)
        {
            children[i++] = child;
        }

        return children;
    }

    /// <summary>The name a leak message gives the block: the variable its allocation was stored in.</summary>
    private static string Holder(SyntaxNode site)
    {
        var node = site;
        while (node.Parent is CastExpressionSyntax or ParenthesizedExpressionSyntax or CheckedExpressionSyntax)
        {
            node = node.Parent;
        }

        return node.Parent switch
        {
            EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax declarator } => declarator.Identifier.ValueText,
            AssignmentExpressionSyntax assignment when assignment.Right == node => DiagnosticSink.Text(assignment.Left),
            _ => "the result",
        };
    }

    /// <summary>Bytes per element of a pointer type (for p + k); null when not a fixed-size primitive.</summary>
    private static long? ElementSize(ITypeSymbol? pointerType)
    {
        if (pointerType is not IPointerTypeSymbol pointer)
        {
            return pointerType?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr ? 1 : null;
        }

        var element = pointer.PointedAtType;
        if (element is INamedTypeSymbol { EnumUnderlyingType: { } underlying })
        {
            element = underlying;
        }

        return element.TypeKind == TypeKind.Pointer ? 8 : element.SpecialType switch
        {
            SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Boolean => 1,
            SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Char => 2,
            SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Single => 4,
            SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Double => 8,
            SpecialType.System_IntPtr or SpecialType.System_UIntPtr => 8,
            _ => null,
        };
    }
}
