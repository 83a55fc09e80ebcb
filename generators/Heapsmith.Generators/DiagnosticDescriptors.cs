// Every diagnostic the generator reports: configuration and heap-class errors HEAP100–HEAP149,
// warnings HEAP150+. Ids never change meaning; each has a page under docs/diagnostics/ and a line
// in AnalyzerReleases.Unshipped.md. Messages say what is wrong and what to do.
using Microsoft.CodeAnalysis;

namespace Heapsmith.Generators;

/// <summary>The generator's diagnostic table.</summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "Heapsmith.Configuration";
    private const string HelpLinkBase = "https://github.com/heapsmith/heapsmith/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor HeapClassNotPartial = Error(
        "HEAP100",
        "Heap class must be partial",
        "'{0}' carries [HeapConfig] but {1} is not partial; add 'partial' so the generator can add the heap's members");

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

    public static readonly DiagnosticDescriptor NoPageGeometry = Error(
        "HEAP104",
        "Size class does not fit a page",
        "{0}");

    public static readonly DiagnosticDescriptor BrkOnInstanceHeap = Error(
        "HEAP105",
        "Brk backend cannot serve an instance heap",
        "'{0}' is an instance heap (an arena released by Dispose) but uses Backend = HeapBackend.Brk; memory taken with sbrk can only be given back from the top of the program break, so Dispose could not release it; use HeapBackend.Mmap or HeapBackend.NativeMemory, or make the class static");

    public static readonly DiagnosticDescriptor GenericHeapClass = Error(
        "HEAP106",
        "Heap class cannot be generic",
        "'{0}' is generic or nested in a generic type; a heap's tables are constants of one type, so declare the heap on a non-generic class");

    public static readonly DiagnosticDescriptor TooManySizeClasses = Error(
        "HEAP107",
        "Too many size classes",
        "This configuration yields {0} size classes; at most {1} are supported; raise MinBlockSize, lower ClassesPerDoubling or lower MaxSmallSize");

    public static readonly DiagnosticDescriptor MemberCollision = Error(
        "HEAP108",
        "Heap class declares a member the generator emits",
        "'{0}' declares or inherits '{1}', which the generator emits for the heap; rename or remove it");

    public static readonly DiagnosticDescriptor UnsafeNotAllowed = Error(
        "HEAP109",
        "Heap needs unsafe code",
        "'{0}' is a heap, whose members use pointers; set <AllowUnsafeBlocks>true</AllowUnsafeBlocks> in the project");

    public static readonly DiagnosticDescriptor FileLocalHeapClass = Error(
        "HEAP110",
        "Heap class cannot be file-local",
        "'{0}' is file-local, so the generated part in another file cannot extend it; remove the 'file' modifier");

    public static readonly DiagnosticDescriptor DuplicateHeapName = Warning(
        "HEAP150",
        "Two heaps have the same name in one namespace",
        "Heap '{0}' has the same name as heap '{1}' in namespace '{2}'; messages, statistics and stack traces would not tell them apart, so give each heap its own name");

    public static readonly DiagnosticDescriptor WastefulConfiguration = Warning(
        "HEAP151",
        "Configuration wastes memory",
        "{0}");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
