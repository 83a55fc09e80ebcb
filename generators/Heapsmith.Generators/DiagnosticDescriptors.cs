using Microsoft.CodeAnalysis;

namespace Heapsmith.Generators;

/// <summary>Every diagnostic the generator reports: configuration errors HEAP100–HEAP149, warnings HEAP150+.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Heapsmith.Configuration";
    private const string HelpLinkBase = "https://github.com/heapsmith/heapsmith/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor HeapClassNotPartial = Error(
        "HEAP100",
        "Heap class must be partial",
        "'{0}' carries [HeapConfig] but it or a type containing it is not partial; add 'partial' so the generator can add the heap's members");

    public static readonly DiagnosticDescriptor NotPowerOfTwo = Error(
        "HEAP101",
        "Configuration value must be a power of two",
        "{0} = {1} is not a power of two; use {2}");

    public static readonly DiagnosticDescriptor OutOfRange = Error(
        "HEAP102",
        "Configuration value is out of range",
        "{0} = {1} is out of range: {2}");

    public static readonly DiagnosticDescriptor InvalidSizeClasses = Error(
        "HEAP103",
        "SizeClasses is not a valid size-class list",
        "SizeClasses is invalid: {0}");

    public static readonly DiagnosticDescriptor GenericHeapClass = Error(
        "HEAP106",
        "Heap class cannot be generic",
        "'{0}' is generic; a heap's tables are constants of one type, so declare the heap on a non-generic class");

    public static readonly DiagnosticDescriptor TooManySizeClasses = Error(
        "HEAP107",
        "Too many size classes",
        "This configuration yields {0} size classes; at most {1} are supported; raise MinBlockSize, lower ClassesPerDoubling or lower MaxSmallSize");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
