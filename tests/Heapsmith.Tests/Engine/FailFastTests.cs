using System.Collections.Generic;
using Heapsmith.Engine;
using CheckedSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.CheckedSpecParameters>;
using FailFastSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.FailFastSpecParameters>;

namespace Heapsmith.Tests.Engine;

/// <summary>A heap declared with FailFast through the generator, as a user would.</summary>
[HeapConfig(Checks = HeapChecks.Ownership | HeapChecks.FailFast)]
internal static unsafe partial class FailFastHeap
{
}

// HeapChecks.FailFast ends the process on a detection (Environment.FailFast). The tests replace
// that one call through HeapCheck's test hook, so they see the message the process would die with.
public unsafe class FailFastTests
{
    [Fact]
    public void A_double_free_with_FailFast_ends_the_process_with_the_heap_pointer_and_problem()
    {
        var messages = new List<string>();
        HeapCheck<FailFastSpec>.FailFastHook = messages.Add;
        try
        {
            var block = StaticHeap<FailFastSpec>.Alloc(48);
            StaticHeap<FailFastSpec>.Free(block);
            Assert.Throws<HeapCorruptionException>(() => StaticHeap<FailFastSpec>.Free(block));
            var message = Assert.Single(messages);
            Assert.Contains("double free", message);
            Assert.Contains($"0x{(nint)block:x}", message);
        }
        finally
        {
            HeapCheck<FailFastSpec>.FailFastHook = null;
        }
    }

    [Fact]
    public void A_generated_heap_with_FailFast_fails_fast_on_a_foreign_pointer()
    {
        var messages = new List<string>();
        HeapCheck<FailFastHeap.Spec>.FailFastHook = messages.Add;
        try
        {
            var local = 0L;
            var address = (nint)(&local);
            Assert.Throws<HeapCorruptionException>(() => FailFastHeap.Free((void*)address));
            Assert.Contains("does not own", Assert.Single(messages));
            Assert.Equal(HeapChecks.Ownership | HeapChecks.FailFast, FailFastHeap.Spec.Checks);
        }
        finally
        {
            HeapCheck<FailFastHeap.Spec>.FailFastHook = null;
        }
    }

    [Fact]
    public void An_interior_pointer_freed_on_the_fast_path_fails_fast()
    {
        var messages = new List<string>();
        HeapCheck<FailFastHeap.Spec>.FailFastHook = messages.Add;
        try
        {
            var block = (byte*)FailFastHeap.Alloc(64);
            FailFastHeap.Free(FailFastHeap.Alloc(64)); // the thread's page of the class is in place
            Assert.Throws<HeapCorruptionException>(() => FailFastHeap.Free(block + 16));
            var message = Assert.Single(messages);
            Assert.Contains("interior", message);
            Assert.Contains($"0x{(nint)(block + 16):x}", message);
            FailFastHeap.Free(block);
        }
        finally
        {
            HeapCheck<FailFastHeap.Spec>.FailFastHook = null;
        }
    }

    [Fact]
    public void Without_FailFast_a_detection_only_throws()
    {
        var messages = new List<string>();
        HeapCheck<CheckedSpec>.FailFastHook = messages.Add;
        try
        {
            var block = StaticHeap<CheckedSpec>.Alloc(48);
            StaticHeap<CheckedSpec>.Free(block);
            Assert.Throws<HeapCorruptionException>(() => StaticHeap<CheckedSpec>.Free(block));
            Assert.Empty(messages);
        }
        finally
        {
            HeapCheck<CheckedSpec>.FailFastHook = null;
        }
    }
}
