// The parser: one [HeapConfig] class → a HeapSpec, or diagnostics at the offending argument (or at
// the class for its shape). Invariants: it never throws on user input (a value the compiler
// already rejected is skipped), it keeps no symbol or syntax in what it returns, and it plans only
// a configuration that passed every check, so the emitter never sees an impossible heap.
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
    /// <summary>Turns one [HeapConfig] class into a <see cref="HeapSpec"/> or diagnostics.</summary>
    internal static class Parser
    {
        /// <summary>Members the generator emits on every heap class.</summary>
        public static readonly ImmutableArray<string> GeneratedMembers = ImmutableArray.Create(
            "SizeClassCount", "MaxSmallSize", "Alloc", "TryAlloc", "AllocZeroed", "Realloc", "AlignedAlloc",
            "Free", "UsableSize", "GoodSize", "Owns", "AllocSpan", "AllocMemory", "GetStats", "WriteStats", "SetMemoryLimit", "Trim", Emitter.SpecName);

        /// <summary>Members the generator emits on instance heaps only.</summary>
        public static readonly ImmutableArray<string> GeneratedInstanceMembers = ImmutableArray.Create("Dispose", Emitter.ArenaFieldName);

        /// <summary>The plan of the default configuration, used by stand-ins.</summary>
        private static readonly SizeClassPlan DefaultPlan = SizeClassPlanner.Plan(HeapConfig.Default, out _)!;

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax declaration
                || type.TypeKind != TypeKind.Class
                || declaration.Identifier.IsMissing || type.Name.Length == 0)
            {
                return ParseResult.Nothing; // a class without a name yet: the compiler reports it
            }

            var attribute = context.Attributes.FirstOrDefault();
            var attributeSyntax = attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            if (attribute is null || !IsFirstHeapConfig(type, attribute))
            {
                return ParseResult.Nothing; // a second [HeapConfig] on another part: CS0579, and the first part emits
            }

            var diagnostics = new List<DiagnosticInfo>();
            var classLocation = declaration.Identifier.GetLocation();
            CheckClassShape(type, context.SemanticModel.Compilation, classLocation, diagnostics, cancellationToken);
            var shapeIsValid = diagnostics.Count == 0;
            var config = ConfigReader.Read(attribute, attributeSyntax, type.IsStatic, type.ToDisplayString(), diagnostics, cancellationToken);

            var typeInfo = TypeInfoOf(type);
            var identity = new HeapIdentity(typeInfo.Namespace, type.Name, typeInfo.FullName, LocationInfo.From(classLocation));
            if (!shapeIsValid)
            {
                return new ParseResult(null, diagnostics.ToEquatableArray(), identity); // no partial can be added to this class
            }

            if (config is null || diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error))
            {
                return new ParseResult(StandIn(typeInfo), diagnostics.ToEquatableArray(), identity);
            }

            var plan = SizeClassPlanner.Plan(config.Config, out var error);
            if (plan is null)
            {
                diagnostics.Add(ConfigReader.PlanDiagnostic(error!, config));
                return new ParseResult(StandIn(typeInfo), diagnostics.ToEquatableArray(), identity);
            }

            return new ParseResult(new HeapSpec(typeInfo, config.Config, plan), diagnostics.ToEquatableArray(), identity);
        }

        /// <summary>
        /// The heap with the default configuration, emitted while the [HeapConfig] has errors: the
        /// build fails on the HEAP error alone instead of on every use of the heap's members.
        /// </summary>
        private static HeapSpec StandIn(HeapTypeInfo typeInfo) => new(typeInfo, HeapConfig.Default, DefaultPlan, IsStandIn: true);

        private static bool IsFirstHeapConfig(INamedTypeSymbol type, AttributeData attribute)
        {
            var first = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == HeapDefaults.AttributeMetadataName);
            var a = first?.ApplicationSyntaxReference;
            var b = attribute.ApplicationSyntaxReference;
            return a is null || b is null || (a.SyntaxTree == b.SyntaxTree && a.Span == b.Span);
        }

        private static void CheckClassShape(INamedTypeSymbol type, Compilation compilation, Location classLocation, List<DiagnosticInfo> diagnostics, CancellationToken cancellationToken)
        {
            var name = type.ToDisplayString();
            if (FirstNonPartial(type, cancellationToken) is { } notPartial)
            {
                var which = SymbolEqualityComparer.Default.Equals(notPartial, type) ? "it" : $"its containing type '{notPartial.ToDisplayString()}'";
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.HeapClassNotPartial, classLocation, name, which));
            }

            if (type.IsGenericType || AnyContaining(type, t => t.IsGenericType))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericHeapClass, classLocation, name));
            }

            if (type.IsFileLocal || AnyContaining(type, t => t.IsFileLocal))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocalHeapClass, classLocation, name));
            }

            if (compilation.Options is CSharpCompilationOptions { AllowUnsafe: false })
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsafeNotAllowed, classLocation, name));
            }

            var generated = type.IsStatic ? GeneratedMembers : GeneratedMembers.AddRange(GeneratedInstanceMembers);
            foreach (var member in generated)
            {
                if (FindMember(type, member) is { } existing)
                {
                    var location = existing.Locations.FirstOrDefault(l => l.IsInSource) ?? classLocation;
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberCollision, location, name, member));
                }
            }
        }

        /// <summary>A member of the class or of a base class (other than object) with a generated member's name.</summary>
        private static ISymbol? FindMember(INamedTypeSymbol type, string name)
        {
            for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            {
                var member = current.GetMembers(name).FirstOrDefault(m => !m.IsImplicitlyDeclared);
                if (member is not null)
                {
                    return member;
                }
            }

            return null;
        }

        private static INamedTypeSymbol? FirstNonPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
        {
            for (var current = type; current is not null; current = current.ContainingType)
            {
                var partial = current.DeclaringSyntaxReferences.Any(r =>
                    r.GetSyntax(cancellationToken) is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));
                if (!partial)
                {
                    return current;
                }
            }

            return null;
        }

        private static bool AnyContaining(INamedTypeSymbol type, System.Func<INamedTypeSymbol, bool> predicate)
        {
            for (var current = type.ContainingType; current is not null; current = current.ContainingType)
            {
                if (predicate(current))
                {
                    return true;
                }
            }

            return false;
        }

        private static HeapTypeInfo TypeInfoOf(INamedTypeSymbol type)
        {
            var ns = type.ContainingNamespace is { IsGlobalNamespace: false } n
                ? string.Join(".", NamespaceParts(n).Select(Escape))
                : string.Empty;
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
                chain.Push($"partial {keyword} {Escape(current.Name)}");
            }

            return new HeapTypeInfo(ns, chain.ToEquatableArray(), type.IsRecord ? "record" : "class", Escape(type.Name), type.IsStatic, type.ToDisplayString());
        }

        private static IEnumerable<string> NamespaceParts(INamespaceSymbol ns)
        {
            var parts = new Stack<string>();
            for (var current = ns; current is { IsGlobalNamespace: false }; current = current.ContainingNamespace)
            {
                parts.Push(current.Name);
            }

            return parts;
        }

        private static string Escape(string identifier) =>
            SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;
    }
}
