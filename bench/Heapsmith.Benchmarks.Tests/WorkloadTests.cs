using System.Threading.Tasks;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Benchmarks;
using Heapsmith.Benchmarks.Workloads;

namespace Heapsmith.Benchmarks.Tests;

// Each workload, run with the counting allocator, must allocate what it says and free all of it.
public class WorkloadTests
{
    [Fact]
    public void Pairs_leave_nothing_live()
    {
        CountingAllocator.Reset();
        var workload = new PairWorkload { Size = 64, Count = 100 };
        workload.Run<CountingAllocator>();
        Assert.Equal(100, CountingAllocator.Allocations);
        Assert.Empty(CountingAllocator.Live);
    }

    [Fact]
    public void Random_batch_allocates_each_block_once_and_frees_them_all()
    {
        CountingAllocator.Reset();
        var workload = new RandomBatchWorkload(2000, seed: 5);
        workload.Run<CountingAllocator>();
        Assert.Equal(2000, CountingAllocator.Allocations);
        Assert.Empty(CountingAllocator.Live);
    }

    [Fact]
    public void Realloc_growth_reads_back_every_byte_it_wrote_and_frees_the_buffer()
    {
        CountingAllocator.Reset();
        var workload = new ReallocGrowthWorkload { Steps = 300, StepSize = 64 };
        workload.Run<CountingAllocator>();
        Assert.Equal(299, workload.Checksum);
        Assert.Empty(CountingAllocator.Live);
    }

    [Fact]
    public void Binary_trees_count_every_node_and_free_every_node()
    {
        CountingAllocator.Reset();
        var workload = new BinaryTreesWorkload { MaxDepth = 8 };
        workload.Run<CountingAllocator>();
        Assert.Equal(BinaryTreesWorkload.NodesPerRun(8), workload.Checksum);
        Assert.Equal(BinaryTreesWorkload.NodesPerRun(8), CountingAllocator.Allocations);
        Assert.Empty(CountingAllocator.Live);
    }

    [Fact]
    public void The_benchmark_divides_by_the_real_node_count()
    {
        Assert.Equal(BinaryTreesBenchmark.NodesPerRun, BinaryTreesWorkload.NodesPerRun(BinaryTreesBenchmark.MaxDepth));
    }

    [Fact]
    public void Random_sizes_stay_in_their_range()
    {
        var random = new FastRandom(3);
        for (var i = 0; i < 100_000; i++)
        {
            var size = random.NextLogUniformSize(4, 10);
            Assert.InRange(size, 16u, 1023u);
            Assert.InRange(random.NextInt(7), 0, 6);
        }
    }

    [Theory]
    [InlineData(AllocatorKind.Glibc)]
    [InlineData(AllocatorKind.Heapsmith)]
    public async Task Larson_rounds_complete_and_dispose_stops_the_workers(AllocatorKind kind)
    {
        var run = Task.Run(() =>
        {
            using var larson = new LarsonRun(kind, slotsPerThread: 100, operationsPerThread: 1000, seed: 1);
            for (var round = 0; round < 5; round++)
            {
                larson.RunRound();
            }

            return larson.OperationsPerRound;
        });
        Assert.Equal(2000, await run.WaitAsync(System.TimeSpan.FromSeconds(60)));
    }

    [Theory]
    [InlineData(AllocatorKind.Glibc)]
    [InlineData(AllocatorKind.Heapsmith)]
    public async Task Producer_consumer_rounds_complete_and_dispose_stops_the_consumer(AllocatorKind kind)
    {
        var run = Task.Run(() =>
        {
            using var pipeline = new ProducerConsumerRun(kind, blocksPerRound: 5000, seed: 1);
            for (var round = 0; round < 5; round++)
            {
                pipeline.RunRound();
            }

            return pipeline.BlocksPerRound;
        });
        Assert.Equal(5000, await run.WaitAsync(System.TimeSpan.FromSeconds(60)));
    }
}
