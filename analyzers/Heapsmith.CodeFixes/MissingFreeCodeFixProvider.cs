// HEAP003 missing free. The block's holder is a local (or a variable assigned from the call) in a
// block statement. When nothing after the allocation frees, returns, copies or re-assigns the holder,
// everything after the allocation goes into `try { … } finally { Heap.Free(p); }`, so every exit,
// throws included, frees it. Otherwise a finally would free a block that is handed out or already
// freed, so the free goes just before the leaking return or throw the diagnostic points to.
// Handing over counts a call to a parameter marked [OwnershipTakes] or to a helper that frees it.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Heapsmith.CodeFixes;

[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MissingFreeCodeFixProvider))]
[Shared]
internal sealed class MissingFreeCodeFixProvider : PlannedCodeFixProvider
{
    public const string EquivalenceKey = "HEAP003.AddFree";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("HEAP003");

    protected override IEnumerable<Offer> Offers(SyntaxNode root, SemanticModel model, Diagnostic diagnostic, CancellationToken cancellation)
    {
        var allocation = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
            .AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
        if (allocation is null || Holder(allocation, model) is not var (statement, holder, holderType)
            || Deallocation.Of(allocation, model) is not { } deallocation)
        {
            yield break;
        }

        var free = SyntaxFactory.ExpressionStatement(deallocation.Call(SyntaxFactory.IdentifierName(holder.Name), holderType));
        var after = ((BlockSyntax)statement.Parent!).Statements.SkipWhile(s => s != statement).Skip(1).ToList();
        if (!after.Any(s => HandsOverOrFrees(s, holder, model)))
        {
            var title = after.Count == 0 ? $"Free '{holder.Name}'" : $"Free '{holder.Name}' in a finally block";
            yield return new Offer(title, EquivalenceKey, new WrapInTryFinally(statement, free));
            yield break;
        }

        if (diagnostic.AdditionalLocations.Count > 0
            && root.FindNode(diagnostic.AdditionalLocations[0].SourceSpan, getInnermostNodeForTie: true)
                .AncestorsAndSelf().FirstOrDefault(n => n is ReturnStatementSyntax or ThrowStatementSyntax) is StatementSyntax exit
            && exit.SpanStart > statement.SpanStart
            && !Mentions(exit, holder, model))
        {
            yield return new Offer($"Free '{holder.Name}' before this exit", EquivalenceKey, new InsertStatementPlan(exit, free, after: false));
        }
    }

    /// <summary>The statement holding the allocation and the variable it stores the block in.</summary>
    private static (StatementSyntax Statement, ILocalSymbol Holder, ITypeSymbol Type)? Holder(InvocationExpressionSyntax allocation, SemanticModel model)
    {
        var statement = allocation.FirstAncestorOrSelf<StatementSyntax>();
        if (statement?.Parent is not BlockSyntax)
        {
            return null;
        }

        ISymbol? symbol = statement switch
        {
            LocalDeclarationStatementSyntax { Declaration.Variables: [var single] } when single.Initializer?.Value.Contains(allocation) == true
                => model.GetDeclaredSymbol(single),
            ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax left } assignment }
                when assignment.IsKind(SyntaxKind.SimpleAssignmentExpression) && assignment.Right.Contains(allocation)
                => model.GetSymbolInfo(left).Symbol,
            _ => null,
        };
        // A local declared in an outer block may be used after this block ends, past any free put here.
        return symbol is ILocalSymbol local && DeclaredIn(local, (BlockSyntax)statement.Parent) ? (statement, local, local.Type) : null;
    }

    private static bool DeclaredIn(ILocalSymbol local, BlockSyntax block) =>
        local.DeclaringSyntaxReferences.Any(r => r.GetSyntax().FirstAncestorOrSelf<StatementSyntax>()?.Parent == block);

    /// <summary>The statement frees the holder, returns it, or stores into it: a finally free would be wrong.</summary>
    private static bool HandsOverOrFrees(SyntaxNode statement, ILocalSymbol holder, SemanticModel model) =>
        statement.DescendantNodesAndSelf().Any(node => node switch
        {
            ReturnStatementSyntax { Expression: { } value } => CopiesHolder(value, holder, model),
            AssignmentExpressionSyntax assignment => IsHolder(assignment.Left, holder, model) || CopiesHolder(assignment.Right, holder, model),
            EqualsValueClauseSyntax initializer => CopiesHolder(initializer.Value, holder, model),
            InvocationExpressionSyntax call => TakesHolder(call, holder, model),
            _ => false,
        });

    private static readonly string[] Releasing = { "Free", "AlignedFree", "FreeHGlobal", "FreeCoTaskMem", "Realloc", "AlignedRealloc", "ReAllocHGlobal", "ReAllocCoTaskMem" };

    /// <summary>The call frees the holder or takes it over: a deallocator, a parameter marked [OwnershipTakes], or a helper whose body frees that parameter (one level, as the analysis infers).</summary>
    private static bool TakesHolder(InvocationExpressionSyntax call, ILocalSymbol holder, SemanticModel model)
    {
        if (model.GetSymbolInfo(call).Symbol is not IMethodSymbol method)
        {
            return false;
        }

        foreach (var argument in call.ArgumentList.Arguments)
        {
            if (!IsHolder(argument.Expression, holder, model))
            {
                continue;
            }

            if (Releasing.Contains(method.Name))
            {
                return true;
            }

            var index = call.ArgumentList.Arguments.IndexOf(argument);
            var parameter = argument.NameColon is { } named
                ? method.Parameters.FirstOrDefault(p => p.Name == named.Name.Identifier.ValueText)
                : index < method.Parameters.Length ? method.Parameters[index] : null;
            if (parameter is not null && (parameter.GetAttributes().Any(a => a.AttributeClass?.Name == "OwnershipTakesAttribute") || BodyFrees(method, parameter)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool BodyFrees(IMethodSymbol method, IParameterSymbol parameter) =>
        method.DeclaringSyntaxReferences.Any(reference => reference.GetSyntax().DescendantNodes().OfType<InvocationExpressionSyntax>().Any(call =>
            call.Expression is MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } && Releasing.Contains(name)
            && call.ArgumentList.Arguments.Any(a => Unwrap(a.Expression) is IdentifierNameSyntax id && id.Identifier.ValueText == parameter.Name)));

    /// <summary>The value is the holder or a pointer computed from it (`p`, `(byte*)p`, `p + 8`, `c ? p : q`): an alias a finally cannot see. Reads through it (`p[i]`, `*p`) are not.</summary>
    private static bool CopiesHolder(ExpressionSyntax value, ILocalSymbol holder, SemanticModel model)
    {
        var unwrapped = Unwrap(value);
        return IsHolder(unwrapped, holder, model)
            || unwrapped is BinaryExpressionSyntax or ConditionalExpressionSyntax
                && model.GetTypeInfo(unwrapped).Type is { TypeKind: TypeKind.Pointer } or { SpecialType: SpecialType.System_IntPtr or SpecialType.System_UIntPtr }
                && Mentions(unwrapped, holder, model);
    }

    private static bool IsHolder(ExpressionSyntax expression, ILocalSymbol holder, SemanticModel model) =>
        Unwrap(expression) is IdentifierNameSyntax name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, holder);

    private static ExpressionSyntax Unwrap(ExpressionSyntax expression) => StatementEdits.Unwrap(expression);

    private static bool Mentions(SyntaxNode node, ILocalSymbol holder, SemanticModel model) =>
        node.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>()
            .Any(name => name.Identifier.ValueText == holder.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name).Symbol, holder));

    /// <summary>Everything after the allocation statement in its block moves into a try whose finally frees the block.</summary>
    private sealed class WrapInTryFinally : FixPlan
    {
        private readonly StatementSyntax _allocation;
        private readonly StatementSyntax _free;

        public WrapInTryFinally(StatementSyntax allocation, StatementSyntax free)
            : base(allocation.SpanStart)
        {
            _allocation = allocation;
            _free = free;
        }

        public override IEnumerable<SyntaxNode> Tracked => new[] { _allocation };

        public override SyntaxNode? Apply(SyntaxNode root)
        {
            if (root.GetCurrentNode(_allocation) is not { Parent: BlockSyntax block } statement)
            {
                return null;
            }

            var index = block.Statements.IndexOf(statement);
            var after = block.Statements.Skip(index + 1).ToList();
            if (after.Count == 0)
            {
                return root.InsertNodesAfter(statement, new[] { _free.WithAdditionalAnnotations(Formatter.Annotation) });
            }

            var @try = SyntaxFactory.TryStatement(
                SyntaxFactory.Block(after),
                default,
                SyntaxFactory.FinallyClause(SyntaxFactory.Block(_free)))
                .WithAdditionalAnnotations(Formatter.Annotation);
            var statements = block.Statements.Take(index + 1).Append(@try);
            return root.ReplaceNode(block, block.WithStatements(SyntaxFactory.List(statements)));
        }
    }
}
