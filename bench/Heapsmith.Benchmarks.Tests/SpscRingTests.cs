using System;
using System.Threading.Tasks;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Tests;

public class SpscRingTests
{
    [Fact]
    public async Task Items_arrive_in_order_across_threads_through_a_small_ring()
    {
        using var ring = new SpscRing(8);
        const int count = 200_000;
        var consumer = Task.Run(() =>
        {
            for (nint expected = 1; expected <= count; expected++)
            {
                if (ring.Pop() != expected)
                {
                    return false;
                }
            }

            return true;
        });
        for (nint item = 1; item <= count; item++)
        {
            ring.Push(item);
        }

        Assert.True(await consumer.WaitAsync(TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    public void Capacity_must_be_a_power_of_two(int capacity)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpscRing(capacity));
    }
}
