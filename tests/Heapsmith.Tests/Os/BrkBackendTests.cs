using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>The brk backend on the process's real break, against the backend contract.</summary>
[Collection(OsGlobalStateCollection.Name)]
public sealed unsafe class BrkBackendTests : BackendContractTests
{
    protected override void* Reserve(nuint size, nuint alignment) => BrkBackend.Reserve(size, alignment);

    protected override bool Commit(void* address, nuint size) => BrkBackend.Commit(address, size);

    protected override void Purge(void* address, nuint size) => BrkBackend.Purge(address, size);

    protected override void Release(void* address, nuint size) => BrkBackend.Release(address, size);
}
