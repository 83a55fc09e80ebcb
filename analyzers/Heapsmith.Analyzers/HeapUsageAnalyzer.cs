// HEAP001–HEAP004: runs one HeapDataflow per method body (and per local function and lambda in
// it) and reports what it found. Generated code is skipped; a method is analysed only if its
// syntax touches an allocator or unsafe code (cheap pre-check); nothing is kept across
// compilations. An unexpected shape degrades to no report: the analyzer never throws.
using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Heapsmith.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers;

[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class HeapUsageAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The .editorconfig key: how pointers passed to unannotated calls are read.</summary>
    public const string UnannotatedCallsOption = "heapsmith.unannotated_calls";

    /// <summary>Tests set this to see failures as AD0001 instead of silence.</summary>
    internal static bool RethrowFailures { get; set; }

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        HeapDiagnostics.DoubleFree, HeapDiagnostics.FreeOfUnownedMemory, HeapDiagnostics.MissingFree, HeapDiagnostics.UseAfterFree);

    public override void Initialize(AnalysisContext context)
    {
        context.EnableConcurrentExecution();
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.RegisterCompilationStartAction(start =>
        {
            var apis = new AllocatorApis(start.Compilation);
            var summaries = new MethodSummaries(start.Compilation, apis);
            start.RegisterOperationBlockAction(block => AnalyzeBlock(block, apis, summaries));
        });
    }

    private static void AnalyzeBlock(OperationBlockAnalysisContext context, AllocatorApis apis, MethodSummaries summaries)
    {
        try
        {
            if (context.OwningSymbol is not IMethodSymbol method)
            {
                return;
            }

            foreach (var root in context.OperationBlocks)
            {
                if (root is IMethodBodyBaseOperation or IBlockOperation && MightTouchMemory(root.Syntax))
                {
                    var escape = context.Options.AnalyzerConfigOptionsProvider.GetOptions(root.Syntax.SyntaxTree)
                        .TryGetValue(UnannotatedCallsOption, out var value) && string.Equals(value?.Trim(), "escape", StringComparison.OrdinalIgnoreCase);
                    var dataflow = new DataflowContext(apis, escape, m => summaries.Get(m, context.CancellationToken), context.CancellationToken);
                    var sink = new DiagnosticSink();
                    AnalyzeGraph(context.GetControlFlowGraph(root), method, dataflow, sink);
                    foreach (var diagnostic in sink.Diagnostics)
                    {
                        context.ReportDiagnostic(diagnostic);
                    }
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException && !RethrowFailures)
        {
            // Degrade to no report: an analyzer failure (AD0001) would be worse than a missed finding.
        }
    }

    private static void AnalyzeGraph(ControlFlowGraph cfg, IMethodSymbol? method, DataflowContext context, DiagnosticSink sink)
    {
        var bodies = new LocalBodies(context, sink);
        var flow = new HeapDataflow(cfg, method, context, sink, bodies);
        if (flow.Run())
        {
            AnalyzeBodies(cfg, flow, bodies, context);
        }
    }

    /// <summary>Every lambda and local function of a graph, nested ones too; bodies the caller ran are analysed already.</summary>
    private static void AnalyzeBodies(ControlFlowGraph cfg, HeapDataflow flow, LocalBodies bodies, DataflowContext context)
    {
        foreach (var localFunction in cfg.LocalFunctions)
        {
            if (bodies.Get(localFunction, () => cfg.GetLocalFunctionControlFlowGraph(localFunction, context.Cancellation)) is { } analysed)
            {
                AnalyzeBodies(analysed.Graph, analysed.Flow, bodies, context);
            }
        }

        foreach (var lambda in flow.Lambdas.ToList())
        {
            if (bodies.Get(lambda.Symbol, () => cfg.GetAnonymousFunctionControlFlowGraph(lambda, context.Cancellation)) is { } analysed)
            {
                AnalyzeBodies(analysed.Graph, analysed.Flow, bodies, context);
            }
        }
    }

    /// <summary>The cheap pre-check: allocator names, unsafe code, stackalloc.</summary>
    private static bool MightTouchMemory(SyntaxNode body)
    {
        for (var node = body; node is not null; node = node.Parent)
        {
            if (node is MemberDeclarationSyntax member && member.Modifiers.Any(SyntaxKind.UnsafeKeyword))
            {
                return true;
            }
        }

        foreach (var token in body.DescendantTokens())
        {
            if (token.IsKind(SyntaxKind.UnsafeKeyword) || token.IsKind(SyntaxKind.StackAllocKeyword)
                || (token.IsKind(SyntaxKind.IdentifierToken) && AllocatorApis.InterestingNames.Contains(token.ValueText)))
            {
                return true;
            }
        }

        return false;
    }
}
