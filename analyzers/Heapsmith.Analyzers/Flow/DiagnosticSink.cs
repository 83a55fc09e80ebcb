// Collects the diagnostics of one method's analysis, once per id and location (the reporting
// pass may reach the same operation on several partitions of the state), and formats the parts
// of messages that name code: short source text and line numbers.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Heapsmith.Analyzers.Flow;

internal sealed class DiagnosticSink
{
    private const int MaxTextLength = 40;

    private readonly HashSet<(string Id, TextSpan Span)> _seen = new();

    public List<Diagnostic> Diagnostics { get; } = new();

    public void Report(DiagnosticDescriptor descriptor, SyntaxNode at, SyntaxNode? related, ImmutableDictionary<string, string?>? properties, params object[] args) =>
        Report(descriptor, at, related, null, properties, args);

    /// <summary>With a second additional location (<paramref name="also"/>: the use inside a lambda run at <paramref name="at"/>).</summary>
    public void Report(DiagnosticDescriptor descriptor, SyntaxNode at, SyntaxNode? related, SyntaxNode? also, ImmutableDictionary<string, string?>? properties, params object[] args)
    {
        if (!_seen.Add((descriptor.Id, at.Span)))
        {
            return;
        }

        // An ImmutableArray is taken as it is; an array would be copied through IEnumerable.
        IEnumerable<Location>? additional = related is null ? null
            : also is null ? ImmutableArray.Create(related.GetLocation())
            : ImmutableArray.Create(related.GetLocation(), also.GetLocation());
        Diagnostics.Add(Diagnostic.Create(descriptor, at.GetLocation(), additional, properties, args));
    }

    public static int LineOf(SyntaxNode node) => node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;

    /// <summary>The node's text on one line, shortened for a message.</summary>
    public static string Text(SyntaxNode node)
    {
        var builder = new StringBuilder();
        var space = false;
        foreach (var c in node.ToString())
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
            if (builder.Length > MaxTextLength)
            {
                return builder.ToString(0, MaxTextLength) + "…";
            }
        }

        return builder.ToString();
    }

    /// <summary>"'GameHeap.Free(p)' at line 12"; a using declaration releases its arena when it ends.</summary>
    public static string Where(SyntaxNode node) =>
        (node is InvocationExpressionSyntax or ObjectCreationExpressionSyntax ? "'" : "the disposal of '") + Text(node) + "' at line " + LineOf(node);
}
