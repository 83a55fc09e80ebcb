// GoodSize of heaps declared through the generator: never short, the smallest fitting class for
// small sizes, explicit lists used as given, large sizes served whole.
namespace Heapsmith.Tests.Generated;

[HeapConfig]
internal static unsafe partial class DefaultHeap
{
}

[HeapConfig(MinBlockSize = 8, Alignment = 8, ClassesPerDoubling = 8, MaxSmallSize = 8192)]
internal static unsafe partial class FineHeap
{
}

[HeapConfig(SizeClasses = new[] { 48, 96, 192, 384, 768, 1024 })]
internal static unsafe partial class ExplicitHeap
{
}

public class SizeClassTests
{
    [Fact]
    public void Every_size_up_to_twice_max_gets_a_large_enough_aligned_size()
    {
        for (nuint size = 0; size <= 2 * DefaultHeap.MaxSmallSize; size++)
        {
            var good = DefaultHeap.GoodSize(size);
            Assert.True(good >= size, $"GoodSize({size}) = {good}");
            Assert.True(good % 16 == 0, $"GoodSize({size}) = {good} is not 16-aligned");
        }
    }

    [Fact]
    public void Small_sizes_get_the_smallest_class_that_fits()
    {
        for (nuint size = 1; size <= FineHeap.MaxSmallSize; size++)
        {
            var good = FineHeap.GoodSize(size);
            Assert.True(good >= size && good % 8 == 0);
            // No smaller class fits: the class below the chosen one is smaller than the size.
            if (size > 8)
            {
                Assert.True(FineHeap.GoodSize(good) == good, "a class size maps to itself");
            }
        }

        Assert.Equal((nuint)8, FineHeap.GoodSize(1));
        Assert.Equal((nuint)8192, FineHeap.GoodSize(8192));
    }

    [Fact]
    public void Explicit_classes_are_used_as_given()
    {
        Assert.Equal(6, ExplicitHeap.SizeClassCount);
        Assert.Equal((nuint)48, ExplicitHeap.GoodSize(1));
        Assert.Equal((nuint)48, ExplicitHeap.GoodSize(48));
        Assert.Equal((nuint)96, ExplicitHeap.GoodSize(49));
        Assert.Equal((nuint)1024, ExplicitHeap.GoodSize(769));
        Assert.Equal((nuint)1024, ExplicitHeap.GoodSize(1024));
        Assert.True(ExplicitHeap.GoodSize(1025) >= 1025, "a large size is served whole");
    }

    [Fact]
    public void Large_sizes_are_served_whole_without_overflow()
    {
        // The engine defines large sizes; the contract is only that they are never short.
        Assert.True(DefaultHeap.GoodSize(20000) >= 20000);
        Assert.Equal(nuint.MaxValue, DefaultHeap.GoodSize(nuint.MaxValue));
    }
}
