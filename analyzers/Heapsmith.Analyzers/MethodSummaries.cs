// Inferred ownership summaries of methods in the same compilation: a helper that frees a pointer
// parameter on every path takes it (as if [OwnershipTakes]); one that frees it on some paths may
// free it (a free before or after the call may repeat it) and, like one that stores it, keeps it
// (no leak); one that returns a fresh block on every path returns ownership (as if
// [OwnershipReturns]). Computed on first use from the callee's own
// control-flow graph, cached per method for the compilation, cycle-safe (a method on the current
// thread's call chain, or past MaxDepth, reads as borrowing) and never throwing.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using Heapsmith.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers;

internal sealed class MethodSummaries
{
    private const int MaxDepth = 6;

    private readonly Compilation _compilation;
    private readonly AllocatorApis _apis;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodSummary?> _cache = new(SymbolEqualityComparer.Default);

    /// <summary>The callees being summarised on this thread (empty between calls: no state is kept).</summary>
    [ThreadStatic]
    private static List<IMethodSymbol>? s_inProgress;

    public MethodSummaries(Compilation compilation, AllocatorApis apis)
    {
        _compilation = compilation;
        _apis = apis;
    }

    public MethodSummary? Get(IMethodSymbol method, CancellationToken cancellation)
    {
        method = method.OriginalDefinition;
        if (method.DeclaringSyntaxReferences.Length != 1 || method.IsExtern || method.IsAbstract || method.PartialImplementationPart is not null)
        {
            return null;
        }

        if (_cache.TryGetValue(method, out var cached))
        {
            return cached;
        }

        var chain = s_inProgress ??= new List<IMethodSymbol>();
        if (chain.Count >= MaxDepth || chain.Exists(m => SymbolEqualityComparer.Default.Equals(m, method)))
        {
            return null;
        }

        chain.Add(method);
        try
        {
            var summary = Compute(method, cancellation);
            return _cache.GetOrAdd(method, summary);
        }
        finally
        {
            chain.RemoveAt(chain.Count - 1);
        }
    }

    private MethodSummary? Compute(IMethodSymbol method, CancellationToken cancellation)
    {
        try
        {
            var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellation);
            if (!_compilation.ContainsSyntaxTree(syntax.SyntaxTree))
            {
                return null;
            }

            // The callee's body lives in another method (often another tree); its semantic model
            // is asked for once per callee and the result cached for the compilation.
#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() within a diagnostic analyzer
            var model = _compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
            if (model.GetOperation(syntax, cancellation) is not (IMethodBodyBaseOperation or IBlockOperation))
            {
                return null;
            }

            var cfg = ControlFlowGraph.Create(syntax, model, cancellation);
            if (cfg is null)
            {
                return null;
            }

            var context = new DataflowContext(_apis, unannotatedCallsEscape: false, m => Get(m, cancellation), cancellation);
            var flow = new HeapDataflow(cfg, method, context, sink: null);
            return flow.Run() ? flow.Summary(method.Parameters) : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }
}
