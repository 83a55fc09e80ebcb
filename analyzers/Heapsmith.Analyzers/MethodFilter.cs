// Which method bodies are worth a control-flow graph. Every finding needs a call this analysis
// gives meaning to: an allocator's or heap's member, an arena's Dispose, a parameter or return
// marked [OwnershipTakes]/[OwnershipReturns], or a same-compilation helper whose inferred summary
// takes a pointer or returns a fresh block. A body (lambdas and local functions included: their
// operations are part of the tree) with none of these cannot produce one, and is skipped before
// its graph is built, which is most of a method's cost. The walk reads the operation tree the
// driver has already built; summaries it asks for are the ones the dataflow would ask for.
using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers;

internal static class MethodFilter
{
    public static bool IsWorthAnalysing(IOperation body, AllocatorApis apis, Func<IMethodSymbol, Flow.MethodSummary?> summaries)
    {
        foreach (var operation in body.DescendantsAndSelf())
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    if (apis.Classify(invocation).Kind != ApiKind.None || MayOwn(invocation.TargetMethod, apis, summaries))
                    {
                        return true;
                    }

                    break;
                case IObjectCreationOperation { Constructor: { } constructor }:
                    if (MayOwn(constructor, apis, summaries))
                    {
                        return true;
                    }

                    break;
            }
        }

        return false;
    }

    /// <summary>The call may hand ownership in or out: by annotation, or by its inferred summary.</summary>
    private static bool MayOwn(IMethodSymbol method, AllocatorApis apis, Func<IMethodSymbol, Flow.MethodSummary?> summaries)
    {
        var pointers = IsPointerLike(method.ReturnType);
        foreach (var parameter in method.Parameters)
        {
            if (apis.TakesOwnership(parameter))
            {
                return true;
            }

            pointers |= IsPointerLike(parameter.Type);
        }

        if (apis.ReturnsOwnership(method))
        {
            return true;
        }

        // A local function's body is walked as part of this one; other helpers are summarised
        // only if a pointer goes in or out (nothing else can be taken or returned).
        if (!pointers || method.MethodKind == MethodKind.LocalFunction)
        {
            return false;
        }

        if (summaries(method) is not { } summary)
        {
            return false;
        }

        if (summary.ReturnsOwned || summary.OutOwned.Contains(true))
        {
            return true;
        }

        foreach (var takes in summary.Takes)
        {
            if (takes)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPointerLike(ITypeSymbol? type) =>
        type is not null && (type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
            || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr);
}
