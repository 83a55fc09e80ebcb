// Recognises the calls the dataflow gives meaning to: the members of every [HeapConfig] heap
// (by containing type, name and shape, never by body), NativeMemory, Marshal's HGlobal and
// CoTaskMem functions, and the ownership annotations. One instance per compilation; the cache
// of heap types is safe for concurrent use.
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using Heapsmith.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers;

internal enum ApiKind
{
    None,
    Alloc,
    Free,
    Realloc,

    /// <summary>Owns, UsableSize: they look at the pointer without using the block.</summary>
    Query,

    /// <summary>An arena's Dispose(): every block of that arena is released.</summary>
    ArenaRelease,
}

internal readonly struct ApiCall
{
    public ApiCall(ApiKind kind, Allocator? allocator, string name)
    {
        Kind = kind;
        Allocator = allocator;
        Name = name;
    }

    public ApiKind Kind { get; }

    public Allocator? Allocator { get; }

    /// <summary>"GameHeap.Alloc", "NativeMemory.Free": how messages name the call.</summary>
    public string Name { get; }
}

internal sealed class AllocatorApis
{
    /// <summary>The allocating and freeing member names of heaps, NativeMemory and Marshal.</summary>
    public static readonly HashSet<string> InterestingNames = new()
    {
        "Alloc", "TryAlloc", "AllocZeroed", "Realloc", "AlignedAlloc", "AlignedRealloc", "AlignedFree", "Free", "AllocSpan",
        "AllocHGlobal", "ReAllocHGlobal", "FreeHGlobal", "AllocCoTaskMem", "ReAllocCoTaskMem", "FreeCoTaskMem",
    };

    /// <summary>Every member name Classify gives a meaning to.</summary>
    private static readonly HashSet<string> ClassifiedNames = new(InterestingNames) { "Dispose", "Owns", "UsableSize" };

    private readonly INamedTypeSymbol? _heapConfig;
    private readonly INamedTypeSymbol? _returns;
    private readonly INamedTypeSymbol? _takes;
    private readonly INamedTypeSymbol? _nativeMemory;
    private readonly INamedTypeSymbol? _marshal;
    private readonly INamedTypeSymbol? _safeHandle;
    private readonly INamedTypeSymbol? _unsafe;
    private readonly INamedTypeSymbol? _memoryMarshal;
    private readonly ConcurrentDictionary<INamedTypeSymbol, bool> _heapTypes = new(SymbolEqualityComparer.Default);

    public AllocatorApis(Compilation compilation)
    {
        _heapConfig = compilation.GetTypeByMetadataName("Heapsmith.HeapConfigAttribute");
        _returns = compilation.GetTypeByMetadataName("Heapsmith.OwnershipReturnsAttribute");
        _takes = compilation.GetTypeByMetadataName("Heapsmith.OwnershipTakesAttribute");
        _nativeMemory = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.NativeMemory");
        _marshal = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.Marshal");
        _safeHandle = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.SafeHandle");
        _unsafe = compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.Unsafe");
        _memoryMarshal = compilation.GetTypeByMetadataName("System.Runtime.InteropServices.MemoryMarshal");
    }

    public bool IsHeapType(ITypeSymbol? type)
    {
        if (_heapConfig is null || type is not INamedTypeSymbol named)
        {
            return false;
        }

        var definition = named.OriginalDefinition;
        if (_heapTypes.TryGetValue(definition, out var known))
        {
            return known;
        }

        var isHeap = false;
        foreach (var attribute in definition.GetAttributes())
        {
            isHeap |= SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, _heapConfig);
        }

        _heapTypes.TryAdd(definition, isHeap);
        return isHeap;
    }

    public bool ReturnsOwnership(IMethodSymbol method)
    {
        if (_returns is null)
        {
            return false;
        }

        return HasAttribute(method.GetAttributes(), _returns) || HasAttribute(method.GetReturnTypeAttributes(), _returns);
    }

    /// <summary>SafeHandle.SetHandle(h): the handle object keeps the address (its ReleaseHandle frees
    /// it later), so the block is handed over without being freed.</summary>
    public bool KeepsArguments(IMethodSymbol? method) =>
        method is { Name: "SetHandle", IsStatic: false } && _safeHandle is not null
        && SymbolEqualityComparer.Default.Equals(method.ContainingType?.OriginalDefinition, _safeHandle);

    /// <summary>Unsafe.AsPointer(ref MemoryMarshal.GetReference(span)): the address of a span's first
    /// element, so a pointer to the block the span views. Returns the span operand.</summary>
    public IOperation? SpanOfFirstElementAddress(IMethodSymbol? method, ImmutableArray<IArgumentOperation> arguments) =>
        method is { Name: "AsPointer", IsStatic: true } && arguments.Length == 1
        && SymbolEqualityComparer.Default.Equals(method.ContainingType, _unsafe)
        && Unwrap(arguments[0].Value) is IInvocationOperation { TargetMethod: { Name: "GetReference" } reference } getReference
        && getReference.Arguments.Length == 1
        && SymbolEqualityComparer.Default.Equals(reference.ContainingType, _memoryMarshal)
            ? getReference.Arguments[0].Value
            : null;

    public bool TakesOwnership(IParameterSymbol parameter) => _takes is not null && HasAttribute(parameter.GetAttributes(), _takes);

    /// <summary>What a call means to the dataflow.</summary>
    public ApiCall Classify(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        var type = method.ContainingType;

        // Most calls are none of ours: their name says so before any symbol is compared.
        if (type is null || !ClassifiedNames.Contains(method.Name))
        {
            return default;
        }

        if (SymbolEqualityComparer.Default.Equals(type, _nativeMemory))
        {
            return ClassifyNativeMemory(method);
        }

        if (SymbolEqualityComparer.Default.Equals(type, _marshal))
        {
            return ClassifyMarshal(method);
        }

        if (method.Name == "Dispose" && method.Parameters.Length == 0 && invocation.Instance is { } receiver)
        {
            var receiverType = Unwrap(receiver)?.Type;
            if (receiverType is not null && IsHeapType(receiverType))
            {
                return new ApiCall(ApiKind.ArenaRelease, new Allocator(AllocatorKind.Arena, (INamedTypeSymbol)receiverType, ReceiverSymbol(receiver)), receiverType.Name + ".Dispose");
            }
        }

        return IsHeapType(type) ? ClassifyHeapMember(invocation, method, type) : default;
    }

    /// <summary>The variable an arena call goes through (local, parameter, field), if plain. A local
    /// is an arena of its own only if it was created there (`new`); a copy of another variable
    /// (`var b = a;`) may be the same arena, so its identity is unknown.</summary>
    public static ISymbol? ReceiverSymbol(IOperation? receiver) => Unwrap(receiver) switch
    {
        ILocalReferenceOperation local => IsCreatedLocal(local.Local) ? local.Local : null,
        IParameterReferenceOperation parameter => parameter.Parameter,
        IFieldReferenceOperation field => field.Field,
        IPropertyReferenceOperation property => property.Property,
        _ => null,
    };

    private static bool IsCreatedLocal(ILocalSymbol local)
    {
        foreach (var reference in local.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.VariableDeclaratorSyntax { Initializer.Value: var value }
                && value is Microsoft.CodeAnalysis.CSharp.Syntax.BaseObjectCreationExpressionSyntax)
            {
                return true;
            }
        }

        return false;
    }

    public static IOperation? Unwrap(IOperation? operation)
    {
        while (operation is IConversionOperation conversion)
        {
            operation = conversion.Operand;
        }

        return operation;
    }

    private static ApiCall ClassifyHeapMember(IInvocationOperation invocation, IMethodSymbol method, INamedTypeSymbol type)
    {
        var allocator = method.IsStatic
            ? new Allocator(AllocatorKind.Heap, type)
            : new Allocator(AllocatorKind.Arena, type, ReceiverSymbol(invocation.Instance));
        var name = (method.IsStatic ? type.Name : ReceiverSymbol(invocation.Instance)?.Name ?? type.Name) + "." + method.Name;
        var returnsPointer = method.ReturnType.TypeKind == TypeKind.Pointer;
        var firstIsPointer = method.Parameters.Length > 0 && method.Parameters[0].Type.TypeKind == TypeKind.Pointer;

        // Span<T> AllocSpan<T>(int) and Free<T>(Span<T>): a block seen through a span. (AllocMemory's
        // owner is an IDisposable whose Dispose frees: .NET's dispose analysis, CA2000, covers it.)
        if (method.Name == "AllocSpan" && IsSpan(method.ReturnType))
        {
            return new ApiCall(ApiKind.Alloc, allocator, name);
        }

        if (method.Name == "Free" && method.Parameters.Length == 1 && IsSpan(method.Parameters[0].Type))
        {
            return new ApiCall(ApiKind.Free, allocator, name);
        }

        switch (method.Name)
        {
            case "Alloc" or "TryAlloc" or "AllocZeroed" or "AlignedAlloc" when returnsPointer:
                return new ApiCall(ApiKind.Alloc, allocator, name);
            case "Realloc" when returnsPointer && firstIsPointer:
                return new ApiCall(ApiKind.Realloc, allocator, name);
            case "Free" when firstIsPointer:
                return new ApiCall(ApiKind.Free, allocator, name);
            case "UsableSize" or "Owns" when firstIsPointer:
                return new ApiCall(ApiKind.Query, allocator, name);
            case "Dispose" when !method.IsStatic && method.Parameters.Length == 0:
                return new ApiCall(ApiKind.ArenaRelease, allocator, name);
            default:
                return default;
        }
    }

    private static bool IsSpan(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Span", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    private static ApiCall ClassifyNativeMemory(IMethodSymbol method)
    {
        var plain = new Allocator(AllocatorKind.NativeMemory);
        var aligned = new Allocator(AllocatorKind.NativeMemoryAligned);
        var name = "NativeMemory." + method.Name;
        return method.Name switch
        {
            "Alloc" or "AllocZeroed" => new ApiCall(ApiKind.Alloc, plain, name),
            "Realloc" => new ApiCall(ApiKind.Realloc, plain, name),
            "Free" => new ApiCall(ApiKind.Free, plain, name),
            "AlignedAlloc" => new ApiCall(ApiKind.Alloc, aligned, name),
            "AlignedRealloc" => new ApiCall(ApiKind.Realloc, aligned, name),
            "AlignedFree" => new ApiCall(ApiKind.Free, aligned, name),
            _ => default,
        };
    }

    private static ApiCall ClassifyMarshal(IMethodSymbol method)
    {
        var hglobal = new Allocator(AllocatorKind.HGlobal);
        var cotask = new Allocator(AllocatorKind.CoTaskMem);
        var name = "Marshal." + method.Name;
        return method.Name switch
        {
            "AllocHGlobal" => new ApiCall(ApiKind.Alloc, hglobal, name),
            "ReAllocHGlobal" => new ApiCall(ApiKind.Realloc, hglobal, name),
            "FreeHGlobal" => new ApiCall(ApiKind.Free, hglobal, name),
            "AllocCoTaskMem" => new ApiCall(ApiKind.Alloc, cotask, name),
            "ReAllocCoTaskMem" => new ApiCall(ApiKind.Realloc, cotask, name),
            "FreeCoTaskMem" => new ApiCall(ApiKind.Free, cotask, name),
            _ => default,
        };
    }

    private static bool HasAttribute(System.Collections.Immutable.ImmutableArray<AttributeData> attributes, INamedTypeSymbol attributeType)
    {
        foreach (var attribute in attributes)
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
            {
                return true;
            }
        }

        return false;
    }
}
