using System.Linq;
using Heapsmith.Benchmarks.Allocators;
using Heapsmith.Benchmarks.Compare;

namespace Heapsmith.Benchmarks.Tests;

public class CompareTests
{
    [Fact]
    public void Every_case_samples_with_Heapsmith_and_the_cheapest_glibc()
    {
        foreach (var @case in CompareCase.All(quick: true))
        {
            foreach (var kind in new[] { AllocatorKind.Heapsmith, AllocatorKind.Glibc, AllocatorKind.GlibcPInvoke })
            {
                using var sampler = @case.Create(kind);
                Assert.True(sampler.Sample(1) > 0, $"{@case.Name} / {kind}");
            }
        }
    }

    [Fact]
    public void Cases_are_in_report_order_and_the_bound_sits_out_only_where_it_cannot_recycle()
    {
        var cases = CompareCase.All(quick: false);
        Assert.Equal(Enumerable.Range(0, cases.Count), cases.Select(c => c.Order));
        Assert.Equal(["producer/consumer"], cases.Where(c => !c.WithBound).Select(c => c.Name));
    }
}
