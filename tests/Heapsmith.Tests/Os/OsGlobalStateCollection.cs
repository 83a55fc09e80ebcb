namespace Heapsmith.Tests.Os;

/// <summary>
/// Tests that change process-wide OS state: the program break (shared with glibc's malloc) and the
/// fault injection of <c>OsMemory.RefuseNext</c>. xunit runs this collection alone, after the
/// parallel ones, so no other test moves the break or meets an injected refusal meanwhile.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OsGlobalStateCollection
{
    public const string Name = "OS global state";
}
