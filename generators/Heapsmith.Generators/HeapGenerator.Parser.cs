using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Heapsmith.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Heapsmith.Generators;

public sealed partial class HeapGenerator
{
    /// <summary>
    /// Turns one [HeapConfig] class into a <see cref="HeapSpec"/> or diagnostics. Never throws on
    /// user input: a value the compiler already rejected is skipped, an invalid one is reported at
    /// its argument.
    /// </summary>
    internal static class Parser
    {
        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not ClassDeclarationSyntax declaration)
            {
                return new ParseResult(null, EquatableArray<DiagnosticInfo>.Empty);
            }

            var attribute = context.Attributes.FirstOrDefault();
            var attributeSyntax = attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

            if (!IsPartialAll(type, cancellationToken))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HeapClassNotPartial, declaration.Identifier.GetLocation(), type.ToDisplayString()));
            }

            if (type.IsGenericType || type.ContainingType is { IsGenericType: true })
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericHeapClass, declaration.Identifier.GetLocation(), type.ToDisplayString()));
            }

            var config = ReadConfig(attribute, attributeSyntax, diagnostics, cancellationToken);
            if (diagnostics.Count > 0 || config is null)
            {
                return new ParseResult(null, diagnostics.ToEquatableArray());
            }

            var plan = SizeClassPlanner.Plan(config);
            if (plan.Count > HeapDefaults.MaxSizeClassCount)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TooManySizeClasses, attributeSyntax?.GetLocation(), plan.Count, HeapDefaults.MaxSizeClassCount));
                return new ParseResult(null, diagnostics.ToEquatableArray());
            }

            var typeInfo = new HeapTypeInfo(
                type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty,
                ContainingTypeDeclarations(type).ToEquatableArray(),
                type.Name,
                type.IsStatic,
                type.ToDisplayString());
            return new ParseResult(new HeapSpec(typeInfo, config, plan), diagnostics.ToEquatableArray());
        }

        private static bool IsPartialAll(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                var partial = current.DeclaringSyntaxReferences.Any(r =>
                    r.GetSyntax(cancellationToken) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial)
                {
                    return false;
                }
            }

            return true;
        }

        private static IEnumerable<string> ContainingTypeDeclarations(INamedTypeSymbol type)
        {
            var chain = new Stack<string>();
            for (var current = type.ContainingType; current is not null; current = current.ContainingType)
            {
                var keyword = current switch
                {
                    { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
                    { IsRecord: true } => "record",
                    { TypeKind: TypeKind.Struct } => "struct",
                    { TypeKind: TypeKind.Interface } => "interface",
                    _ => "class",
                };
                chain.Push($"partial {keyword} {current.Name}");
            }

            return chain;
        }

        private static HeapConfig? ReadConfig(AttributeData? attribute, AttributeSyntax? syntax, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var minBlockSize = HeapDefaults.MinBlockSize;
            var maxSmallSize = HeapDefaults.MaxSmallSize;
            var classesPerDoubling = HeapDefaults.ClassesPerDoubling;
            var alignment = HeapDefaults.Alignment;
            var pageSize = HeapDefaults.PageSize;
            var segmentSize = HeapDefaults.SegmentSize;
            var threadSafe = true;
            var backend = 0;
            var checks = 0;
            var purgeDelayMs = HeapDefaults.PurgeDelayMs;
            ImmutableArray<int>? sizeClasses = null;

            if (attribute is null)
            {
                return null;
            }

            foreach (var argument in attribute.NamedArguments)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var value = argument.Value;
                if (value.Kind == TypedConstantKind.Error)
                {
                    continue; // the compiler reports it
                }

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
                    case "SizeClasses" when value.Kind == TypedConstantKind.Array && !value.IsNull:
                        sizeClasses = value.Values.Select(e => e.Value is int i ? i : 0).ToImmutableArray();
                        break;
                }
            }

            Location? At(string name) => ArgumentLocation(syntax, name) ?? syntax?.GetLocation();
            var before = diagnostics.Count;

            RequirePowerOfTwo("MinBlockSize", minBlockSize, 8, 1 << 20, At, diagnostics);
            RequirePowerOfTwo("Alignment", alignment, 8, 4096, At, diagnostics);
            RequirePowerOfTwo("PageSize", pageSize, HeapDefaults.OsPageSize, 1 << 26, At, diagnostics);
            RequirePowerOfTwo("SegmentSize", segmentSize, 1 << 16, 1 << 30, At, diagnostics);
            if (classesPerDoubling is < 1 or > 16 || !SizeClassPlanner.IsPowerOfTwo(classesPerDoubling))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, At("ClassesPerDoubling"), "ClassesPerDoubling", classesPerDoubling, "use 1, 2, 4, 8 or 16"));
            }

            if (purgeDelayMs < -1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, At("PurgeDelayMs"), "PurgeDelayMs", purgeDelayMs, "use -1 (never), 0 (at once) or a delay in milliseconds"));
            }

            if (sizeClasses is null && diagnostics.Count == before)
            {
                if (maxSmallSize < minBlockSize || maxSmallSize > pageSize / 2)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, At("MaxSmallSize"), "MaxSmallSize", maxSmallSize,
                        $"it must lie between MinBlockSize ({minBlockSize}) and half the PageSize ({pageSize / 2}) so a page holds at least two blocks"));
                }
            }

            if (sizeClasses is { } list)
            {
                var problem = SizeClassListProblem(list, alignment, pageSize);
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidSizeClasses, At("SizeClasses"), problem));
                }
                else
                {
                    maxSmallSize = list[list.Length - 1];
                }
            }

            if (pageSize > segmentSize && diagnostics.Count == before)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, At("PageSize"), "PageSize", pageSize, $"it must not exceed SegmentSize ({segmentSize})"));
            }

            return new HeapConfig(
                minBlockSize, maxSmallSize, classesPerDoubling,
                (sizeClasses ?? ImmutableArray<int>.Empty).ToEquatableArray(), sizeClasses is not null,
                alignment, pageSize, segmentSize, threadSafe, backend, checks, purgeDelayMs);
        }

        private static string? SizeClassListProblem(ImmutableArray<int> list, int alignment, int pageSize)
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

            if (list[list.Length - 1] > pageSize / 2)
            {
                return $"the largest size {list[list.Length - 1]} exceeds half the PageSize ({pageSize / 2}), so a page could not hold two blocks";
            }

            return null;
        }

        private static void RequirePowerOfTwo(string name, int value, int min, int max, Func<string, Location?> at, List<DiagnosticInfo> diagnostics)
        {
            if (value < min || value > max)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.OutOfRange, at(name), name, value, $"it must lie between {min} and {max}"));
            }
            else if (!SizeClassPlanner.IsPowerOfTwo(value))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPowerOfTwo, at(name), name, value, SizeClassPlanner.NextPowerOfTwo(value)));
            }
        }

        /// <summary>The location of <c>Name = value</c> in the attribute, so the error underlines the argument.</summary>
        private static Location? ArgumentLocation(AttributeSyntax? syntax, string name)
        {
            var argument = syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);
            return argument?.GetLocation();
        }
    }
}
