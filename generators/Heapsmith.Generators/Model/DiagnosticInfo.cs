// A diagnostic as equatable data (descriptor, location as LocationInfo, message arguments as
// strings), so parse results can be cached and compared; turned into a Diagnostic only when reported.
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Heapsmith.Generators.Model;

/// <summary>A diagnostic as equatable data: descriptor, location and message arguments.</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArgs)
{
    public Diagnostic ToDiagnostic() =>
        Diagnostic.Create(Descriptor, Location?.ToLocation(), MessageArgs.Cast<object>().ToArray());

    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params object[] args) =>
        new(descriptor, LocationInfo.From(location), args.Select(a => a.ToString() ?? string.Empty).ToEquatableArray());
}
