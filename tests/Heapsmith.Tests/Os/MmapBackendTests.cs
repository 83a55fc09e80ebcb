using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>The mmap backend against the backend contract.</summary>
public sealed unsafe class MmapBackendTests : BackendContractTests
{
    protected override void* Reserve(nuint size, nuint alignment) => MmapBackend.Reserve(size, alignment);

    protected override bool Commit(void* address, nuint size) => MmapBackend.Commit(address, size);

    protected override void Purge(void* address, nuint size) => MmapBackend.Purge(address, size);

    protected override void Release(void* address, nuint size) => MmapBackend.Release(address, size);
}
