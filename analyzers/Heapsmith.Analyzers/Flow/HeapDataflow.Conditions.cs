// Branch conditions: constant folding over compile-time constants and the values the state knows
// for bool and integer locals (so dead branches are pruned), and refinement of the state on each
// branch (the bool is true here; the pointer is null here, so a failed TryAlloc needs no free).
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers.Flow;

internal sealed partial class HeapDataflow
{
    private static bool? ConstBool(IOperation operation, FlowState state) => Const(operation, state) as bool?;

    private static long? ConstLong(IOperation operation, FlowState state) => Const(operation, state) as long?;

    /// <summary>The value of a bool or integer expression when known on this state's paths (integers as long).</summary>
    private static object? Const(IOperation? operation, FlowState state)
    {
        if (operation is null)
        {
            return null;
        }

        if (operation.ConstantValue.HasValue)
        {
            return Normalize(operation.ConstantValue.Value);
        }

        switch (operation)
        {
            case ILocalReferenceOperation local:
                return state.Known.TryGetValue(local.Local, out var localValue) ? localValue : null;
            case IParameterReferenceOperation parameter:
                return state.Known.TryGetValue(parameter.Parameter, out var parameterValue) ? parameterValue : null;
            case IConversionOperation conversion:
                return Const(conversion.Operand, state);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Const(not.Operand, state) is bool b ? !b : null;
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Minus } minus:
                return Const(minus.Operand, state) is long n ? -n : null;
            case IBinaryOperation binary:
                return Fold(binary.OperatorKind, Const(binary.LeftOperand, state), Const(binary.RightOperand, state))
                    ?? (ComparisonOf(binary) is { } comparison && state.Conditions.TryGetValue(comparison.Comparison, out var holds) ? holds == comparison.Same : null);
            default:
                return null;
        }
    }

    /// <summary>An integer comparison of locals, parameters and constants, canonical (see <see cref="Comparison"/>).</summary>
    private static (Comparison Comparison, bool Same)? ComparisonOf(IBinaryOperation binary)
    {
        if (binary.OperatorKind is not (BinaryOperatorKind.GreaterThan or BinaryOperatorKind.GreaterThanOrEqual or BinaryOperatorKind.LessThan
            or BinaryOperatorKind.LessThanOrEqual or BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals)
            || binary.IsLifted || !IsIntegerType(binary.LeftOperand.Type)
            || ComparedOperand(binary.LeftOperand) is not { } left || ComparedOperand(binary.RightOperand) is not { } right
            || (left is long && right is long))
        {
            return null;
        }

        return Comparison.Of(binary.OperatorKind, binary.LeftOperand.Type!.SpecialType, left, right);
    }

    /// <summary>A constant (as long), or an integer local or by-value parameter (its symbol).</summary>
    private static object? ComparedOperand(IOperation operand)
    {
        if (operand.ConstantValue.HasValue)
        {
            return Normalize(operand.ConstantValue.Value) is long constant ? constant : null;
        }

        var inner = Unwrap(operand);
        if (!IsIntegerType(inner.Type))
        {
            return null;
        }

        return inner switch
        {
            ILocalReferenceOperation { Local.IsRef: false } local => local.Local,
            IParameterReferenceOperation { Parameter.RefKind: RefKind.None or RefKind.In } parameter => parameter.Parameter,
            _ => inner.ConstantValue.HasValue && Normalize(inner.ConstantValue.Value) is long value ? value : null,
        };
    }

    /// <summary>Records that the comparison is <paramref name="value"/> on this path; false when the state knows the opposite.</summary>
    private bool RefineComparison(IBinaryOperation binary, bool value, FlowState state)
    {
        if (ComparisonOf(binary) is not { } comparison || !MayCorrelate(binary, comparison.Comparison))
        {
            return true;
        }

        var holds = value == comparison.Same;
        if (state.Conditions.TryGetValue(comparison.Comparison, out var known))
        {
            return known == holds;
        }

        state.SetCondition(comparison.Comparison, holds);
        return true;
    }

    /// <summary>The comparison is made again elsewhere in the method (only then can remembering it
    /// prune a path, and each fact remembered may double the paths kept apart), and every
    /// variable it reads is written only where the dataflow sees it.</summary>
    private bool MayCorrelate(IBinaryOperation binary, Comparison comparison)
    {
        if (_uncorrelated is null)
        {
            (_uncorrelated, _repeated) = (WrittenOutOfSight(_cfg.OriginalOperation), Repeated(_cfg.OriginalOperation));
        }

        return _repeated!.Contains(comparison)
            && !Uncorrelated(binary.LeftOperand, _uncorrelated) && !Uncorrelated(binary.RightOperand, _uncorrelated);
    }

    /// <summary>The comparisons the method makes more than once (in any of their equivalent forms).</summary>
    private static HashSet<Comparison> Repeated(IOperation root)
    {
        var seen = new HashSet<Comparison>();
        var repeated = new HashSet<Comparison>();
        foreach (var operation in root.DescendantsAndSelf())
        {
            if (operation is IBinaryOperation binary && ComparisonOf(binary) is { } comparison && !seen.Add(comparison.Comparison))
            {
                repeated.Add(comparison.Comparison);
            }
        }

        return repeated;
    }

    private static bool Uncorrelated(IOperation operand, HashSet<ISymbol> uncorrelated) => Unwrap(operand) switch
    {
        ILocalReferenceOperation local => uncorrelated.Contains(local.Local),
        IParameterReferenceOperation parameter => uncorrelated.Contains(parameter.Parameter),
        _ => false,
    };

    /// <summary>Variables that may change where no assignment of this graph shows it: their address is
    /// taken, they are deconstructed into, or a lambda or local function reads or writes them.</summary>
    private static HashSet<ISymbol> WrittenOutOfSight(IOperation root)
    {
        var result = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var operation in root.DescendantsAndSelf())
        {
            IOperation? scope = operation switch
            {
                IAddressOfOperation addressOf => addressOf.Reference,
                IDeconstructionAssignmentOperation deconstruction => deconstruction.Target,
                IAnonymousFunctionOperation or ILocalFunctionOperation => operation,
                ISimpleAssignmentOperation { IsRef: true } refAssignment => refAssignment.Value,
                IArgumentOperation { Parameter.RefKind: RefKind.Ref } byRef => byRef.Value,
                _ => null,
            };
            if (scope is null)
            {
                continue;
            }

            foreach (var reference in scope.DescendantsAndSelf())
            {
                if (reference is ILocalReferenceOperation local)
                {
                    result.Add(local.Local);
                }
                else if (reference is IParameterReferenceOperation parameter)
                {
                    result.Add(parameter.Parameter);
                }
            }
        }

        return result;
    }

    private static object? Fold(BinaryOperatorKind kind, object? left, object? right)
    {
        if (left is long a && right is long b)
        {
            return kind switch
            {
                BinaryOperatorKind.Add => a + b,
                BinaryOperatorKind.Subtract => a - b,
                BinaryOperatorKind.Multiply => a * b,
                BinaryOperatorKind.Equals => a == b,
                BinaryOperatorKind.NotEquals => a != b,
                BinaryOperatorKind.LessThan => a < b,
                BinaryOperatorKind.LessThanOrEqual => a <= b,
                BinaryOperatorKind.GreaterThan => a > b,
                BinaryOperatorKind.GreaterThanOrEqual => a >= b,
                _ => null,
            };
        }

        if (left is bool x && right is bool y)
        {
            return kind switch
            {
                BinaryOperatorKind.Equals => x == y,
                BinaryOperatorKind.NotEquals => x != y,
                BinaryOperatorKind.And or BinaryOperatorKind.ConditionalAnd => x && y,
                BinaryOperatorKind.Or or BinaryOperatorKind.ConditionalOr => x || y,
                BinaryOperatorKind.ExclusiveOr => x ^ y,
                _ => null,
            };
        }

        return null;
    }

    private static object? Normalize(object? value) => value switch
    {
        bool b => b,
        int or long or short or sbyte or byte or ushort or uint or char => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    private static long? ConstNumber(object value) => Normalize(value) as long?;

    private static bool IsConstTracked(ITypeSymbol? type) => type?.SpecialType is SpecialType.System_Boolean
        or SpecialType.System_Int32 or SpecialType.System_Int64 or SpecialType.System_Int16 or SpecialType.System_Byte
        or SpecialType.System_UInt32 or SpecialType.System_UInt16 or SpecialType.System_SByte;

    private static void SetKnown(ISymbol variable, IOperation? value, FlowState state)
    {
        if (Const(value, state) is { } known)
        {
            state.SetKnown(variable, known);
        }
        else
        {
            state.RemoveKnown(variable);
        }
    }

    /// <summary>Narrows <paramref name="state"/> to the paths where <paramref name="condition"/> is <paramref name="value"/>; false when there are none.</summary>
    private bool Refine(IOperation condition, bool value, FlowState state)
    {
        switch (condition)
        {
            case IConversionOperation conversion:
                return Refine(conversion.Operand, value, state);
            case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not } not:
                return Refine(not.Operand, !value, state);
            case ILocalReferenceOperation local when local.Type?.SpecialType == SpecialType.System_Boolean:
                state.SetKnown(local.Local, value);
                return true;
            case IParameterReferenceOperation parameter when parameter.Type?.SpecialType == SpecialType.System_Boolean:
                state.SetKnown(parameter.Parameter, value);
                return true;
            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Equals or BinaryOperatorKind.NotEquals } binary:
                var equal = (binary.OperatorKind == BinaryOperatorKind.Equals) == value;
                if (IsNullConstant(binary.RightOperand) && KeyOfPlace(Unwrap(binary.LeftOperand), state) is { } left)
                {
                    return RefineNull(left, equal, state);
                }

                if (IsNullConstant(binary.LeftOperand) && KeyOfPlace(Unwrap(binary.RightOperand), state) is { } right)
                {
                    return RefineNull(right, equal, state);
                }

                return RefineComparison(binary, value, state);
            case IBinaryOperation binary:
                return RefineComparison(binary, value, state);
            default:
                return true;
        }
    }

    private static IOperation Unwrap(IOperation operation) => AllocatorApis.Unwrap(operation) ?? operation;

    private static bool IsNullConstant(IOperation operation) =>
        operation is IConversionOperation conversion ? IsNullConstant(conversion.Operand) || IsNullConstantValue(operation)
        : operation is IDefaultValueOperation || IsNullConstantValue(operation);

    private static bool IsNullConstantValue(IOperation operation) =>
        operation.ConstantValue.HasValue && (operation.ConstantValue.Value is null || ConstNumber(operation.ConstantValue.Value) == 0)
        && (operation.ConstantValue.Value is null || IsPointerLike(operation.Type));

    private static bool IsHeldElsewhere(int block, VarKey key, FlowState state) => state.IsReferenced(block, key);

    /// <summary>p == null (isNull) or p != null on this path.</summary>
    private static bool RefineNull(VarKey key, bool isNull, FlowState state)
    {
        var values = state.Read(key);
        if (values.IsDefault)
        {
            return true;
        }

        var blocks = values.Where(v => !v.IsNull).Select(v => v.Block).Distinct().ToList();
        if (isNull)
        {
            // On this path the place holds no block: a block only it held was never allocated
            // here, or its allocation failed. Either way there is nothing to free.
            foreach (var block in blocks)
            {
                if (state.Blocks.TryGetValue(block, out var facts) && (facts.States & BlockStates.Live) != 0
                    && !IsHeldElsewhere(block, key, state))
                {
                    state.SetBlock(block, facts.With((facts.States & ~BlockStates.Live) | BlockStates.Null, null));
                }
            }

            state.Write(key, PointerValues.NullOnly);
            return true;
        }

        if (blocks.Count == 0)
        {
            return false;
        }

        var nonNull = values.Where(v => !v.IsNull).ToImmutableArray();
        state.Write(key, nonNull);
        foreach (var block in blocks)
        {
            if (state.Blocks.TryGetValue(block, out var facts) && (facts.States & BlockStates.Null) != 0)
            {
                var states = facts.States & ~BlockStates.Null;
                if (states == BlockStates.None && blocks.Count == 1)
                {
                    return false;
                }

                state.SetBlock(block, facts.With(states, null));
            }
        }

        return true;
    }
}
