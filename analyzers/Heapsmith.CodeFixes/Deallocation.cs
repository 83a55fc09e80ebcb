// How a block of a given allocating call is released, written as the user would write it: the
// heap type or arena expression the allocation went through (`Game.Heap.Free`, `frame.Free`),
// NativeMemory.Free/AlignedFree, Marshal.FreeHGlobal/FreeCoTaskMem. The pointer argument is cast
// across the pointer/IntPtr divide when the holder and the deallocator disagree.
using Heapsmith.Analyzers;
using Heapsmith.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.CodeFixes;

internal sealed class Deallocation
{
    private readonly ExpressionSyntax _callee;
    private readonly bool _takesIntPtr;

    private Deallocation(ExpressionSyntax callee, bool takesIntPtr, bool isNamedByType)
    {
        _callee = callee;
        _takesIntPtr = takesIntPtr;
        IsNamedByType = isNamedByType;
    }

    /// <summary>The deallocator is reached through a type (not an arena instance): it binds anywhere the type is in scope.</summary>
    public bool IsNamedByType { get; }

    /// <summary>The deallocation matching <paramref name="allocation"/>, or null when the call is not a known allocation.</summary>
    public static Deallocation? Of(InvocationExpressionSyntax allocation, SemanticModel model)
    {
        if (model.GetOperation(allocation) is not IInvocationOperation operation)
        {
            return null;
        }

        var api = new AllocatorApis(model.Compilation).Classify(operation);
        if (api.Kind is not (ApiKind.Alloc or ApiKind.Realloc) || api.Allocator is null)
        {
            return null;
        }

        var (name, takesIntPtr) = api.Allocator.Kind switch
        {
            AllocatorKind.NativeMemoryAligned => ("AlignedFree", false),
            AllocatorKind.HGlobal => ("FreeHGlobal", true),
            AllocatorKind.CoTaskMem => ("FreeCoTaskMem", true),
            _ => ("Free", false),
        };

        ExpressionSyntax callee;
        if (allocation.Expression is MemberAccessExpressionSyntax access)
        {
            callee = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, access.Expression.WithoutTrivia(), SyntaxFactory.IdentifierName(name));
        }
        else if (operation.TargetMethod.IsStatic && api.Allocator.Kind != AllocatorKind.Heap)
        {
            // NativeMemory or Marshal reached through `using static`: name the type.
            var type = SyntaxFactory.ParseTypeName(operation.TargetMethod.ContainingType.ToMinimalDisplayString(model, allocation.SpanStart));
            callee = SyntaxFactory.MemberAccessExpression(SyntaxKind.SimpleMemberAccessExpression, type, SyntaxFactory.IdentifierName(name));
        }
        else
        {
            // Alloc(...) inside the heap type itself: Free(...) binds the same way.
            callee = SyntaxFactory.IdentifierName(name);
        }

        return new Deallocation(callee, takesIntPtr, operation.TargetMethod.IsStatic && callee is MemberAccessExpressionSyntax);
    }

    /// <summary>The call releasing <paramref name="pointer"/>, whose static type is <paramref name="pointerType"/>.</summary>
    public InvocationExpressionSyntax Call(ExpressionSyntax pointer, ITypeSymbol? pointerType)
    {
        var argument = pointer.WithoutTrivia();
        var isPointer = pointerType?.TypeKind == TypeKind.Pointer;
        var isInteger = pointerType?.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr;
        if (_takesIntPtr && isPointer)
        {
            argument = SyntaxFactory.CastExpression(SyntaxFactory.IdentifierName("nint"), argument);
        }
        else if (!_takesIntPtr && isInteger)
        {
            argument = SyntaxFactory.CastExpression(SyntaxFactory.PointerType(SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.VoidKeyword))), argument);
        }

        return SyntaxFactory.InvocationExpression(_callee, SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(argument))));
    }
}
