using Microsoft.CodeAnalysis;

namespace Heapsmith.Analyzers;

/// <summary>The descriptor table of the usage diagnostics (ids, titles, messages, help links to
/// docs/diagnostics/HEAPnnn.md). Message arguments: HEAP001 pointer, earlier free, allocator;
/// HEAP002 pointer, memory, deallocator, advice; HEAP003 allocating call, holder, exit;
/// HEAP004 use, free.</summary>
internal static class HeapDiagnostics
{
    public const string Category = "Heapsmith.Usage";
    private const string HelpLinkBase = "https://github.com/heapsmith/heapsmith/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor DoubleFree = Warning(
        "HEAP001",
        "Double free",
        "'{0}' may already have been freed by {1}; free each block of {2} once, or set the pointer to null after the first free");

    public static readonly DiagnosticDescriptor FreeOfUnownedMemory = Warning(
        "HEAP002",
        "Free of memory the deallocator does not own",
        "'{0}' points to {1}, which {2} does not own; {3}");

    public static readonly DiagnosticDescriptor MissingFree = Warning(
        "HEAP003",
        "Missing free",
        "The block from {0} held by '{1}' may leak through {2}; free it, return it, or hand it over on every path");

    public static readonly DiagnosticDescriptor UseAfterFree = Warning(
        "HEAP004",
        "Use after free",
        "'{0}' is used after it may have been freed by {1}; use the block before it is freed, or not at all");

    private static DiagnosticDescriptor Warning(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Warning, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
