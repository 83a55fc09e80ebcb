// A source location as plain data (path, span, line span): diagnostics keep where they point
// without holding a syntax tree, which would defeat caching and keep old compilations alive.
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Heapsmith.Generators.Model;

/// <summary>A source location as plain data, so models and diagnostics stay equatable and hold no syntax tree.</summary>
internal sealed record LocationInfo(string FilePath, TextSpan Span, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, Span, LineSpan);

    public static LocationInfo? From(Location? location)
    {
        if (location is null || location.SourceTree is null)
        {
            return null;
        }

        return new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
    }
}
