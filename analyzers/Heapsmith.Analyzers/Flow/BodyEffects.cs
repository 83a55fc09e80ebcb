// What running a lambda or local function body does, as its caller sees it at the point where
// the body runs: the summary of its own parameters (takes, keeps, returns ownership) and, per
// pointer variable of the caller it captures, the first use of that pointer in the body, whether
// the body frees it on every path (takes) or on some or stores it (keeps), and whether it assigns
// the variable. C# captures variables, not values: the effects apply to what the variable holds
// when the body runs, not when the lambda was created. Immutable.
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Analyzers.Flow;

internal sealed class BodyEffects
{
    public BodyEffects(MethodSummary parameters, ImmutableArray<CaptureEffect> captures)
    {
        Parameters = parameters;
        Captures = captures;
    }

    public MethodSummary Parameters { get; }

    public ImmutableArray<CaptureEffect> Captures { get; }
}

internal readonly struct CaptureEffect
{
    public CaptureEffect(ISymbol variable, SyntaxNode? firstUse, bool useIsFree, BlockStates outcome, bool assigns)
    {
        Variable = variable;
        FirstUse = firstUse;
        UseIsFree = useIsFree;
        Outcome = outcome;
        Assigns = assigns;
    }

    /// <summary>The caller's local or parameter.</summary>
    public ISymbol Variable { get; }

    /// <summary>Where the body first reads through, passes on or frees the pointer it found in the variable.</summary>
    public SyntaxNode? FirstUse { get; }

    /// <summary>That first use is a free: run after the caller freed the block, it is a double free.</summary>
    public bool UseIsFree { get; }

    /// <summary>What the body's exits leave the captured block in (Freed only: the body takes it).</summary>
    public BlockStates Outcome { get; }

    /// <summary>The body assigns the variable: after it runs, the caller no longer knows what it holds.</summary>
    public bool Assigns { get; }

    public bool Takes => (Outcome & BlockStates.Freed) != 0 && (Outcome & (BlockStates.Live | BlockStates.Escaped)) == 0;

    public bool Keeps => !Takes && (Outcome & (BlockStates.Freed | BlockStates.Escaped)) != 0;
}
