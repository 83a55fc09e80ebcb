// What one method's dataflow needs from outside: the recognised APIs, how unannotated calls are
// read (borrow, the default, or escape), the summaries of callees and cancellation.
using System;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Analyzers.Flow;

internal sealed class DataflowContext
{
    public DataflowContext(AllocatorApis apis, bool unannotatedCallsEscape, Func<IMethodSymbol, MethodSummary?>? summaries, CancellationToken cancellation)
    {
        Apis = apis;
        UnannotatedCallsEscape = unannotatedCallsEscape;
        Summaries = summaries;
        Cancellation = cancellation;
    }

    public AllocatorApis Apis { get; }

    /// <summary>heapsmith.unannotated_calls = escape: a pointer passed to an unannotated call is handed over.</summary>
    public bool UnannotatedCallsEscape { get; }

    /// <summary>Inferred summaries of same-compilation callees; null when not inferred.</summary>
    public Func<IMethodSymbol, MethodSummary?>? Summaries { get; }

    public CancellationToken Cancellation { get; }
}
