// Inferred ownership summaries of methods in the same compilation: a helper that frees a pointer
// parameter on every path takes it (as if [OwnershipTakes]); one that frees it on some paths may
// free it (a free before or after the call may repeat it) and, like one that stores it, keeps it
// (no leak); one that returns a fresh block on every returning path returns ownership (as if
// [OwnershipReturns]).
//
// A summary depends on its method alone, never on which caller asked first or on which thread:
// - Only methods a pointer can go into or come out of have one (a by-value or `in` pointer
//   parameter, or a pointer result); the others read as borrowing without a graph.
// - Summaries are computed over the call graph of such methods, callees first (Tarjan's strongly
//   connected components). A component's members are summarised together, each round from the
//   previous round's summaries of the others (so the order inside a round does not matter),
//   starting from "no summary", until a round changes nothing; a component that does not settle
//   in MaxRounds gets no summaries at all. Mutual recursion is a component like any other.
// - A component is published only when complete, under one lock: no caller ever sees a summary
//   computed from a cycle cut short, and two threads cannot compute the same component twice
//   with different partial knowledge.
// Nothing throws: a method whose body cannot be read has no summary.
using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Heapsmith.Analyzers.Flow;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.FlowAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace Heapsmith.Analyzers;

internal sealed class MethodSummaries
{
    private const int MaxRounds = 10;

    private readonly Compilation _compilation;
    private readonly AllocatorApis _apis;
    private readonly ConcurrentDictionary<IMethodSymbol, MethodSummary?> _final = new(SymbolEqualityComparer.Default);
    private readonly object _gate = new();

    public MethodSummaries(Compilation compilation, AllocatorApis apis)
    {
        _compilation = compilation;
        _apis = apis;
    }

    public MethodSummary? Get(IMethodSymbol method, CancellationToken cancellation)
    {
        method = method.OriginalDefinition;
        if (!IsCandidate(method))
        {
            return null;
        }

        if (_final.TryGetValue(method, out var known))
        {
            return known;
        }

        lock (_gate)
        {
            if (!_final.ContainsKey(method))
            {
                Solve(method, cancellation);
            }
        }

        return _final.TryGetValue(method, out known) ? known : null;
    }

    /// <summary>A method whose own body may give it a summary: declared once in source, with a body,
    /// not a lambda or local function (those are followed where they run), and a pointer in or out.</summary>
    private static bool IsCandidate(IMethodSymbol method)
    {
        if (method.DeclaringSyntaxReferences.Length != 1 || method.IsExtern || method.IsAbstract || method.PartialImplementationPart is not null
            || method.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction)
        {
            return false;
        }

        if (IsPointerLike(method.ReturnType))
        {
            return true;
        }

        foreach (var parameter in method.Parameters)
        {
            if ((parameter.RefKind is RefKind.None or RefKind.In && IsPointerLike(parameter.Type))
                || (parameter.RefKind == RefKind.Out && parameter.Type.TypeKind == TypeKind.Pointer))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsPointerLike(ITypeSymbol? type) =>
        type is not null && (type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer
            || type.SpecialType is SpecialType.System_IntPtr or SpecialType.System_UIntPtr);

    /// <summary>Tarjan's algorithm from <paramref name="root"/>, iteratively (call chains may be deep);
    /// each component is summarised as soon as it is complete, callees before callers.</summary>
    private void Solve(IMethodSymbol root, CancellationToken cancellation)
    {
        var nodes = new Dictionary<IMethodSymbol, Node>(SymbolEqualityComparer.Default);
        var stack = new Stack<Node>();
        var path = new Stack<(Node Node, int Next)>();
        var index = 0;

        Node Enter(IMethodSymbol method)
        {
            var node = new Node(method, Body.Read(method, _compilation, cancellation)) { Index = index, LowLink = index };
            index++;
            nodes[method] = node;
            stack.Push(node);
            node.OnStack = true;
            return node;
        }

        path.Push((Enter(root), 0));
        while (path.Count > 0)
        {
            cancellation.ThrowIfCancellationRequested();
            var (node, next) = path.Pop();
            var callees = node.Body?.Callees ?? (IReadOnlyList<IMethodSymbol>)Array.Empty<IMethodSymbol>();
            if (next < callees.Count)
            {
                path.Push((node, next + 1));
                var callee = callees[next];
                if (_final.ContainsKey(callee))
                {
                    continue;
                }

                if (!nodes.TryGetValue(callee, out var seen))
                {
                    path.Push((Enter(callee), 0));
                }
                else if (seen.OnStack)
                {
                    node.LowLink = Math.Min(node.LowLink, seen.Index);
                }

                continue;
            }

            // All callees done: fold the low link into the caller, and close a component at its root.
            if (path.Count > 0)
            {
                var caller = path.Peek().Node;
                caller.LowLink = Math.Min(caller.LowLink, node.LowLink);
            }

            if (node.LowLink == node.Index)
            {
                var members = new List<Node>();
                Node member;
                do
                {
                    member = stack.Pop();
                    member.OnStack = false;
                    members.Add(member);
                }
                while (member != node);

                Summarise(members, cancellation);
            }
        }
    }

    /// <summary>The summaries of one component, iterated to a fixpoint; published all at once.</summary>
    private void Summarise(List<Node> members, CancellationToken cancellation)
    {
        var current = new Dictionary<IMethodSymbol, MethodSummary?>(SymbolEqualityComparer.Default);
        foreach (var member in members)
        {
            current[member.Method] = null;
        }

        // One method that does not call itself needs one round; a cycle needs one more to confirm.
        var recursive = members.Count > 1 || members[0].Body?.CalleeSet.Contains(members[0].Method) == true;
        var settled = false;
        for (var round = 0; round < MaxRounds && !settled; round++)
        {
            var next = new Dictionary<IMethodSymbol, MethodSummary?>(SymbolEqualityComparer.Default);
            foreach (var member in members)
            {
                next[member.Method] = Compute(member, current, cancellation);
            }

            settled = !recursive || members.TrueForAll(m => MethodSummary.Same(current[m.Method], next[m.Method]));
            current = next;
        }

        foreach (var member in members)
        {
            _final[member.Method] = settled ? current[member.Method] : null;
        }
    }

    /// <summary>One method's summary, its component's other members read from <paramref name="component"/>
    /// and every other callee from the final summaries (complete: callees are solved first).</summary>
    private MethodSummary? Compute(Node node, Dictionary<IMethodSymbol, MethodSummary?> component, CancellationToken cancellation)
    {
        if (node.Body is not { } body)
        {
            return null;
        }

        try
        {
            MethodSummary? Lookup(IMethodSymbol method)
            {
                method = method.OriginalDefinition;
                if (component.TryGetValue(method, out var inComponent))
                {
                    return inComponent;
                }

                // Only the callees the graph walk saw: anything else would make the answer depend on
                // what happened to be solved before.
                return body.CalleeSet.Contains(method) && _final.TryGetValue(method, out var solved) ? solved : null;
            }

            var context = new DataflowContext(_apis, unannotatedCallsEscape: false, Lookup, cancellation);
            var flow = new HeapDataflow(body.Graph, node.Method, context, sink: null);
            return flow.Run() ? flow.Summary(node.Method.Parameters) : null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return null;
        }
    }

    private sealed class Node
    {
        public Node(IMethodSymbol method, Body? body)
        {
            Method = method;
            Body = body;
        }

        public IMethodSymbol Method { get; }

        public Body? Body { get; }

        public int Index { get; set; }

        public int LowLink { get; set; }

        public bool OnStack { get; set; }
    }

    /// <summary>A method's control-flow graph and the candidate methods its body calls.</summary>
    private sealed class Body
    {
        private Body(ControlFlowGraph graph, List<IMethodSymbol> callees, HashSet<IMethodSymbol> calleeSet)
        {
            Graph = graph;
            Callees = callees;
            CalleeSet = calleeSet;
        }

        public ControlFlowGraph Graph { get; }

        /// <summary>In the order the body calls them (the walk's order; the answer does not depend on it).</summary>
        public IReadOnlyList<IMethodSymbol> Callees { get; }

        public HashSet<IMethodSymbol> CalleeSet { get; }

        public static Body? Read(IMethodSymbol method, Compilation compilation, CancellationToken cancellation)
        {
            try
            {
                var syntax = method.DeclaringSyntaxReferences[0].GetSyntax(cancellation);
                if (!compilation.ContainsSyntaxTree(syntax.SyntaxTree))
                {
                    return null;
                }

                // The callee's body lives in another method (often another tree); its semantic model
                // is asked for once per callee and the result kept for the compilation.
#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() within a diagnostic analyzer
                var model = compilation.GetSemanticModel(syntax.SyntaxTree);
#pragma warning restore RS1030
                if (model.GetOperation(syntax, cancellation) is not ({ } operation and (IMethodBodyBaseOperation or IBlockOperation)))
                {
                    return null;
                }

                var graph = ControlFlowGraph.Create(syntax, model, cancellation);
                if (graph is null)
                {
                    return null;
                }

                var callees = new List<IMethodSymbol>();
                var seen = new HashSet<IMethodSymbol>(SymbolEqualityComparer.Default);
                foreach (var descendant in operation.DescendantsAndSelf())
                {
                    var target = descendant switch
                    {
                        IInvocationOperation invocation => invocation.TargetMethod,
                        IObjectCreationOperation creation => creation.Constructor,
                        _ => null,
                    };
                    if (target?.OriginalDefinition is { } callee && IsCandidate(callee) && seen.Add(callee))
                    {
                        callees.Add(callee);
                    }
                }

                return new Body(graph, callees, seen);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                return null;
            }
        }
    }
}
