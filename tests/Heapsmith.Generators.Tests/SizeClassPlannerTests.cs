using System.Linq;
using Heapsmith.Generators;

namespace Heapsmith.Generators.Tests;

public class SizeClassPlannerTests
{
    [Fact]
    public void Defaults_follow_jemalloc_spacing()
    {
        // jemalloc with a 16-byte quantum: 16, 32, 48, 64, then four classes per doubling.
        var expected = new[]
        {
            16, 32, 48, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384, 448, 512,
            640, 768, 896, 1024, 1280, 1536, 1792, 2048, 2560, 3072, 3584, 4096,
            5120, 6144, 7168, 8192, 10240, 12288, 14336, 16384,
        };
        var classes = SizeClassPlanner.SpacedClasses(16, 16384, 4, 16);
        Assert.Equal(expected, classes);
    }

    [Fact]
    public void One_class_per_doubling_gives_powers_of_two()
    {
        var classes = SizeClassPlanner.SpacedClasses(8, 4096, 1, 8);
        Assert.Equal(new[] { 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096 }, classes);
    }

    [Theory]
    [InlineData(16, 16384, 4, 16)]
    [InlineData(8, 8192, 8, 8)]
    [InlineData(32, 32768, 2, 32)]
    [InlineData(16, 10000, 4, 16)]
    [InlineData(8, 4096, 16, 64)]
    public void Classes_are_ascending_aligned_and_end_at_max(int min, int max, int perDoubling, int alignment)
    {
        var classes = SizeClassPlanner.SpacedClasses(min, max, perDoubling, alignment);
        Assert.All(classes, c => Assert.Equal(0, c % alignment));
        Assert.True(classes.Zip(classes.Skip(1), (a, b) => a < b).All(x => x), "strictly ascending");
        Assert.Equal(SizeClassPlanner.RoundUp(max, alignment), classes[^1]);
        Assert.True(classes[0] >= min);
    }
}
