// The lambdas and local functions of one method body: each is analysed once, on its own graph,
// with the caller's pointer variables it captures seeded as borrowed blocks (so a use after a
// free inside the body is found there), and what it does to them is kept as BodyEffects for the
// places where the caller runs it. Shared by the graphs of one operation block (never across
// methods or compilations); a body that (indirectly) runs itself reads as having no effects.
using System;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;

namespace Heapsmith.Analyzers.Flow;

internal sealed class LocalBodies
{
    private readonly DataflowContext _context;
    private readonly DiagnosticSink? _sink;
    private readonly Dictionary<IMethodSymbol, Analysed?> _done = new(SymbolEqualityComparer.Default);

    public LocalBodies(DataflowContext context, DiagnosticSink? sink)
    {
        _context = context;
        _sink = sink;
    }

    /// <summary>A body's graph and its finished dataflow (null when it could not be analysed).</summary>
    public sealed class Analysed
    {
        public Analysed(ControlFlowGraph graph, HeapDataflow flow, BodyEffects effects)
        {
            Graph = graph;
            Flow = flow;
            Effects = effects;
        }

        public ControlFlowGraph Graph { get; }

        public HeapDataflow Flow { get; }

        public BodyEffects Effects { get; }
    }

    /// <summary>Analyses the body on first request; null while it is being analysed (recursion) or when it failed.</summary>
    public Analysed? Get(IMethodSymbol body, Func<ControlFlowGraph?> graph)
    {
        if (_done.TryGetValue(body, out var known))
        {
            return known;
        }

        // Marks the body in progress: a recursive request sees null (no effects).
        _done[body] = null;
        var cfg = graph();
        if (cfg is null)
        {
            return null;
        }

        var flow = new HeapDataflow(cfg, body, _context, _sink, this);
        var analysed = flow.Run() && flow.Effects() is { } effects ? new Analysed(cfg, flow, effects) : null;
        _done[body] = analysed;
        return analysed;
    }

    /// <summary>The graph of a local function declared in <paramref name="cfg"/> or a graph enclosing it.</summary>
    public static ControlFlowGraph? LocalFunctionGraph(ControlFlowGraph cfg, IMethodSymbol localFunction, System.Threading.CancellationToken cancellation)
    {
        for (var graph = cfg; graph is not null; graph = graph.Parent)
        {
            foreach (var declared in graph.LocalFunctions)
            {
                if (SymbolEqualityComparer.Default.Equals(declared, localFunction))
                {
                    return graph.GetLocalFunctionControlFlowGraph(declared, cancellation);
                }
            }
        }

        return null;
    }
}
