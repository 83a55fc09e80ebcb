// Where a heap class lives and how to re-declare it in the generated partial. Names are already
// escaped (@class) so the emitter writes them as they are.
namespace Heapsmith.Generators.Model;

/// <summary>Where the heap class lives and how to re-declare it.</summary>
/// <param name="Namespace">Containing namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Declarations of the containing types, outermost first, e.g. "partial class Outer".</param>
/// <param name="Keyword">"class", or "record" for a record class.</param>
/// <param name="Name">The heap class's name, escaped if it is a keyword.</param>
/// <param name="IsStatic">Static heap (process-wide) or instance heap (arena).</param>
/// <param name="FullName">The class's full name, e.g. <c>Game.Outer.FrameArena</c>: the heap's name in messages.</param>
internal sealed record HeapTypeInfo(
    string Namespace,
    EquatableArray<string> ContainingTypes,
    string Keyword,
    string Name,
    bool IsStatic,
    string FullName);
