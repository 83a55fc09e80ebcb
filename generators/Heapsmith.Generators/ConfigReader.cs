// Reads and validates the named arguments of one [HeapConfig]. Every error is reported at the
// argument that caused it (the whole attribute when the value is a default). Checks run in
// dependency order: single values first (power of two, range), then relations between values
// (page vs segment, sizes vs page), so one mistake gives one error, not a cascade. Warnings for
// configurations that work but waste memory (HEAP151) are added here too.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Heapsmith.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Heapsmith.Generators;

/// <summary>A validated configuration and where each of its arguments is written.</summary>
internal sealed class ParsedConfig
{
    private readonly AttributeSyntax? _syntax;

    public ParsedConfig(HeapConfig config, AttributeSyntax? syntax, ImmutableHashSet<string> given)
    {
        Config = config;
        _syntax = syntax;
        Given = given;
    }

    public HeapConfig Config { get; }

    /// <summary>Names of the arguments written in the attribute.</summary>
    public ImmutableHashSet<string> Given { get; }

    /// <summary>The location of <c>Name = value</c>, or of the attribute when it is not written.</summary>
    public Location? At(string name)
    {
        var argument = _syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
        return argument?.GetLocation() ?? _syntax?.GetLocation();
    }
}

/// <summary>Reads <c>[HeapConfig]</c> arguments into a <see cref="HeapConfig"/>, reporting what is invalid.</summary>
internal static class ConfigReader
{
    public static ParsedConfig? Read(AttributeData attribute, AttributeSyntax? syntax, bool isStaticHeap, string heapName, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
    {
        var minBlockSize = HeapDefaults.MinBlockSize;
        var maxSmallSize = HeapDefaults.MaxSmallSize;
        var classesPerDoubling = HeapDefaults.ClassesPerDoubling;
        var alignment = HeapDefaults.Alignment;
        var pageSize = HeapDefaults.PageSize;
        var segmentSize = HeapDefaults.SegmentSize;
        var threadSafe = true;
        var backend = HeapDefaults.BackendMmap;
        var checks = 0;
        var purgeDelayMs = HeapDefaults.PurgeDelayMs;
        long memoryLimit = 0;
        ImmutableArray<int>? sizeClasses = null;
        var given = ImmutableHashSet.CreateBuilder<string>();

        foreach (var argument in attribute.NamedArguments)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var value = argument.Value;
            if (value.Kind == TypedConstantKind.Error)
            {
                continue; // the compiler reports it
            }

            given.Add(argument.Key);
            switch (argument.Key)
            {
                case "MinBlockSize" when value.Value is int v: minBlockSize = v; break;
                case "MaxSmallSize" when value.Value is int v: maxSmallSize = v; break;
                case "ClassesPerDoubling" when value.Value is int v: classesPerDoubling = v; break;
                case "Alignment" when value.Value is int v: alignment = v; break;
                case "PageSize" when value.Value is int v: pageSize = v; break;
                case "SegmentSize" when value.Value is int v: segmentSize = v; break;
                case "ThreadSafe" when value.Value is bool v: threadSafe = v; break;
                case "Backend" when value.Value is int v: backend = v; break;
                case "Checks" when value.Value is int v: checks = v; break;
                case "PurgeDelayMs" when value.Value is int v: purgeDelayMs = v; break;
                case "MemoryLimit" when value.Value is long v: memoryLimit = v; break;
                case "SizeClasses" when value.Kind == TypedConstantKind.Array && !value.IsNull:
                    sizeClasses = value.Values.Select(e => e.Value is int i ? i : 0).ToImmutableArray();
                    break;
                case "SizeClasses":
                    given.Remove("SizeClasses"); // SizeClasses = null means "not given"
                    break;
            }
        }

        var parsed = new ParsedConfig(HeapConfig.Default, syntax, given.ToImmutable());
        var before = diagnostics.Count;

        // Single values.
        RequirePowerOfTwo("MinBlockSize", minBlockSize, HeapDefaults.MinMinBlockSize, HeapDefaults.MaxMinBlockSize, parsed, diagnostics);
        RequirePowerOfTwo("Alignment", alignment, HeapDefaults.MinAlignment, HeapDefaults.MaxAlignment, parsed, diagnostics);
        RequirePowerOfTwo("PageSize", pageSize, HeapDefaults.OsPageSize, HeapDefaults.MaxPageSize, parsed, diagnostics);
        RequirePowerOfTwo("SegmentSize", segmentSize, HeapDefaults.MinSegmentSize, HeapDefaults.MaxSegmentSize, parsed, diagnostics);
        if (classesPerDoubling is < 1 or > HeapDefaults.MaxClassesPerDoubling || !SizeClassPlanner.IsPowerOfTwo(classesPerDoubling))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, parsed.At("ClassesPerDoubling"), "ClassesPerDoubling", classesPerDoubling, "use 1, 2, 4, 8 or 16"));
        }

        if (purgeDelayMs < -1)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, parsed.At("PurgeDelayMs"), "PurgeDelayMs", purgeDelayMs, "use -1 (never), 0 (at once) or a delay in milliseconds"));
        }

        if (memoryLimit < 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, parsed.At("MemoryLimit"), "MemoryLimit", memoryLimit, "use 0 (no limit) or a number of bytes"));
        }

        if (backend is < HeapDefaults.BackendMmap or > HeapDefaults.BackendNativeMemory)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, parsed.At("Backend"), "Backend", backend, "use HeapBackend.Mmap, HeapBackend.Brk or HeapBackend.NativeMemory"));
        }
        else if (backend == HeapDefaults.BackendBrk && !isStaticHeap)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BrkOnInstanceHeap, parsed.At("Backend"), heapName));
        }

        if ((checks & ~HeapDefaults.ValidChecks) != 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, parsed.At("Checks"), "Checks", checks, "use a combination of the HeapChecks flags"));
        }

        if (diagnostics.Count != before)
        {
            return null;
        }

        // Relations between values.
        if (2L * pageSize > segmentSize)
        {
            var name = parsed.Given.Contains("PageSize") ? "PageSize" : "SegmentSize";
            var value = name == "PageSize" ? pageSize : segmentSize;
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, parsed.At(name), name, value,
                $"PageSize ({pageSize}) must be at most half the SegmentSize ({segmentSize}): the first page unit of each segment holds the segment header"));
            return null;
        }

        if (memoryLimit > 0 && memoryLimit < segmentSize)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, parsed.At("MemoryLimit"), "MemoryLimit", memoryLimit,
                $"it must be 0 (no limit) or at least one SegmentSize ({segmentSize}): the limit counts committed memory and every small or large block needs a whole segment"));
            return null;
        }

        if (sizeClasses is { } list)
        {
            var problem = SizeClassListProblem(list, alignment);
            if (problem is not null)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidSizeClasses, parsed.At("SizeClasses"), problem));
                return null;
            }

            maxSmallSize = list[list.Length - 1];
        }
        else if (maxSmallSize < minBlockSize)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, parsed.At("MaxSmallSize"), "MaxSmallSize", maxSmallSize,
                $"it must be at least MinBlockSize ({minBlockSize})"));
            return null;
        }

        // The largest page is half a segment (room for the header is always left); it must hold two blocks of the largest class.
        var largestPage = (long)PageGeometry.MaxPageSpan(pageSize, segmentSize) * pageSize;
        if (maxSmallSize > largestPage / PageGeometry.MinBlocksPerPage)
        {
            var name = sizeClasses is null ? "MaxSmallSize" : "SizeClasses";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoPageGeometry, parsed.At(name),
                $"{name} asks for blocks of {maxSmallSize} bytes, above what a page can hold: the largest page is {largestPage} bytes (half the SegmentSize {segmentSize}) "
                + $"and must hold {PageGeometry.MinBlocksPerPage} blocks; keep sizes at most {largestPage / PageGeometry.MinBlocksPerPage} or raise SegmentSize"));
            return null;
        }

        var config = new HeapConfig(
            minBlockSize, maxSmallSize, classesPerDoubling,
            (sizeClasses ?? ImmutableArray<int>.Empty).ToEquatableArray(), sizeClasses is not null,
            alignment, pageSize, segmentSize, threadSafe, backend, checks, purgeDelayMs, memoryLimit);
        parsed = new ParsedConfig(config, syntax, parsed.Given);
        AddWasteWarnings(parsed, diagnostics);
        return parsed;
    }

    /// <summary>The diagnostic for a configuration the planner could not lay out.</summary>
    public static DiagnosticInfo PlanDiagnostic(PlanError error, ParsedConfig parsed)
    {
        var config = parsed.Config;
        var sizesArgument = config.HasExplicitSizeClasses ? "SizeClasses" : "MaxSmallSize";
        switch (error.Kind)
        {
            case PlanErrorKind.TooManySizeClasses:
                return DiagnosticInfo.Create(DiagnosticDescriptors.TooManySizeClasses, parsed.At(sizesArgument), error.Count, HeapDefaults.MaxSizeClassCount);
            case PlanErrorKind.NoPageGeometry:
                var largestPage = (long)error.Count * config.PageSize;
                return DiagnosticInfo.Create(DiagnosticDescriptors.NoPageGeometry, parsed.At(sizesArgument),
                    $"Size class {error.BlockSize} does not fit a page: the largest page is {error.Count} units of {config.PageSize} bytes ({largestPage} bytes, half the SegmentSize), "
                    + $"and it must hold at least {PageGeometry.MinBlocksPerPage} blocks with under 1/{PageGeometry.MaxWasteDenominator} of it unused; "
                    + $"lower {sizesArgument} to at most {largestPage / PageGeometry.MaxWasteDenominator} or raise SegmentSize");
            default:
                return DiagnosticInfo.Create(DiagnosticDescriptors.NoPageGeometry, parsed.At(sizesArgument),
                    $"No block-index multiplier fits 64 bits for these {error.Count} size classes and their pages; lower {sizesArgument} or PageSize");
        }
    }

    private static string? SizeClassListProblem(ImmutableArray<int> list, int alignment)
    {
        if (list.Length == 0)
        {
            return "the list is empty; give at least one size or leave SizeClasses out";
        }

        for (var i = 0; i < list.Length; i++)
        {
            if (list[i] <= 0 || list[i] % alignment != 0)
            {
                return $"{list[i]} (at index {i}) is not a positive multiple of the alignment ({alignment})";
            }

            if (i > 0 && list[i] <= list[i - 1])
            {
                return $"{list[i]} (at index {i}) does not exceed {list[i - 1]}; sizes must be strictly ascending";
            }
        }

        var last = list[list.Length - 1];
        if ((long)last / alignment >= HeapDefaults.MaxLookupTableEntries)
        {
            return $"the largest size {last} needs a lookup table of {(last / alignment) + 1} entries (one per {alignment}-byte step); keep sizes below {(long)HeapDefaults.MaxLookupTableEntries * alignment} or raise Alignment";
        }

        return null;
    }

    /// <summary>HEAP151: the heap works, but a different value would use less memory for the same service.</summary>
    private static void AddWasteWarnings(ParsedConfig parsed, List<DiagnosticInfo> diagnostics)
    {
        var config = parsed.Config;
        if (parsed.Given.Contains("MinBlockSize") && !config.HasExplicitSizeClasses && config.MinBlockSize < config.Alignment)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WastefulConfiguration, parsed.At("MinBlockSize"),
                $"MinBlockSize = {config.MinBlockSize} is below Alignment ({config.Alignment}), so every block is at least {config.Alignment} bytes and a {config.MinBlockSize}-byte request wastes {config.Alignment - config.MinBlockSize}; set MinBlockSize to {config.Alignment} or lower the Alignment"));
        }

        if (config.HasExplicitSizeClasses)
        {
            var list = config.SizeClasses;
            for (var i = 1; i < list.Count; i++)
            {
                if (list[i] > 2L * list[i - 1])
                {
                    var request = list[i - 1] + 1;
                    var unused = (list[i] - request) * 100L / list[i];
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WastefulConfiguration, parsed.At("SizeClasses"),
                        $"SizeClasses jumps from {list[i - 1]} to {list[i]}: a {request}-byte request gets a {list[i]}-byte block ({unused}% unused); add classes between them so that each is at most twice the one before"));
                    break;
                }
            }
        }

        if (config.SegmentSize / config.PageSize < HeapDefaults.MinPageUnitsPerSegment)
        {
            var name = parsed.Given.Contains("PageSize") ? "PageSize" : "SegmentSize";
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.WastefulConfiguration, parsed.At(name),
                $"A segment of {config.SegmentSize} bytes holds only {config.SegmentSize / config.PageSize} page units of {config.PageSize} bytes, and its first unit holds the segment header, so more than 1/{HeapDefaults.MinPageUnitsPerSegment} of every segment is overhead; use a SegmentSize of at least {(long)config.PageSize * HeapDefaults.MinPageUnitsPerSegment}"));
        }
    }

    private static void RequirePowerOfTwo(string name, int value, int min, int max, ParsedConfig parsed, List<DiagnosticInfo> diagnostics)
    {
        if (value < min || value > max)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, parsed.At(name), name, value, $"it must lie between {min} and {max}"));
        }
        else if (!SizeClassPlanner.IsPowerOfTwo(value))
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPowerOfTwo, parsed.At(name), name, value, SizeClassPlanner.NextPowerOfTwo(value)));
        }
    }
}
