using Heapsmith.Os;

namespace Heapsmith.Tests.Os;

/// <summary>The NativeMemory backend against the backend contract (its purge only clears).</summary>
public sealed unsafe class NativeMemoryBackendTests : BackendContractTests
{
    protected override void* Reserve(nuint size, nuint alignment) => NativeMemoryBackend.Reserve(size, alignment);

    protected override bool Commit(void* address, nuint size) => NativeMemoryBackend.Commit(address, size);

    protected override void Purge(void* address, nuint size) => NativeMemoryBackend.Purge(address, size);

    protected override void Release(void* address, nuint size) => NativeMemoryBackend.Release(address, size);

    protected override bool PurgeDropsPages => false;
}
