using DefaultSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SizeClassSpecParameters>;
using FineSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.FineSpecParameters>;
using SingleSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.SingleThreadSpecParameters>;

namespace Heapsmith.Tests.Engine;

public unsafe class SizeClassBoundaryTests
{
    [Fact]
    public void Every_size_up_to_twice_max_small_gets_an_aligned_block_of_its_good_size() => CheckEverySize<DefaultSpec>();

    [Fact]
    public void Every_size_of_a_fine_grained_heap_gets_an_aligned_block_of_its_good_size() => CheckEverySize<FineSpec>();

    [Fact]
    public void Every_size_of_a_single_threaded_heap_gets_an_aligned_block_of_its_good_size() => CheckEverySize<SingleSpec>();

    private static void CheckEverySize<TSpec>()
        where TSpec : struct, IHeapSpec
    {
        for (nuint size = 0; size <= (nuint)(2 * TSpec.MaxSmallSize); size++)
        {
            var block = (byte*)StaticHeap<TSpec>.Alloc(size);
            var good = StaticHeap<TSpec>.GoodSize(size);
            var usable = StaticHeap<TSpec>.UsableSize(block);
            if (good < size || usable != good || (nuint)block % (nuint)TSpec.Alignment != 0 || !StaticHeap<TSpec>.Owns(block))
            {
                Assert.Fail($"size {size}: block 0x{(nuint)block:x}, good {good}, usable {usable}");
            }

            if (size <= (nuint)TSpec.MaxSmallSize && good != (nuint)TSpec.BlockSize(TSpec.SizeClassOf(size)))
            {
                Assert.Fail($"size {size}: good {good} is not its class size");
            }

            // The whole usable size is writable: first and last byte.
            block[0] = 1;
            block[usable - 1] = 2;
            StaticHeap<TSpec>.Free(block);
        }
    }
}
