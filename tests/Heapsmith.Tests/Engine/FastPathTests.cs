using System.Collections.Generic;
using Heapsmith.Engine;
using FastSpec = Heapsmith.Tests.Engine.TestSpec<Heapsmith.Tests.Engine.FastPathSpecParameters>;

namespace Heapsmith.Tests.Engine;

// The owner's alloc/free pair stays on the fast paths: a page emptied by a local free is kept while
// it is its class's direct page (no slow call, no page handed back and taken again), and any other
// emptied page still goes back to the core.
public unsafe class FastPathTests
{
    [Fact]
    public void A_lone_pair_never_takes_the_slow_path()
    {
        StaticHeap<FastSpec>.Free(StaticHeap<FastSpec>.Alloc(64)); // warm-up: thread heap, first page
        var heap = ThreadHeaps<FastSpec>.Current;
        Assert.True(heap != null);
        var sizeClass = FastSpec.SizeClassOf(64);
        var page = ThreadHeap.Direct(heap)[sizeClass];
        var slowPaths = heap->SlowPaths;
        for (var i = 0; i < 1000; i++)
        {
            var block = StaticHeap<FastSpec>.Alloc(64);
            Assert.True(SegmentLayout<FastSpec>.PageOf(block) == page);
            StaticHeap<FastSpec>.Free(block);
        }

        Assert.Equal(slowPaths, heap->SlowPaths);
        Assert.True(ThreadHeap.Direct(heap)[sizeClass] == page);
        Assert.Equal(0, page->Used);
        Assert.Equal(PageKind.Small, page->Kind);
    }

    [Fact]
    public void An_emptied_page_that_is_not_direct_goes_back_to_the_core()
    {
        const nuint Size = 1024;
        var blocks = new List<nint>();
        var first = StaticHeap<FastSpec>.Alloc(Size);
        blocks.Add((nint)first);
        var firstPage = SegmentLayout<FastSpec>.PageOf(first);

        // Fill the first page and start a second, which becomes the class's direct page.
        nint block;
        do
        {
            block = (nint)StaticHeap<FastSpec>.Alloc(Size);
            blocks.Add(block);
        }
        while (SegmentLayout<FastSpec>.PageOf((void*)block) == firstPage);

        var heap = ThreadHeaps<FastSpec>.Current;
        var secondPage = SegmentLayout<FastSpec>.PageOf((void*)block);
        Assert.True(ThreadHeap.Direct(heap)[FastSpec.SizeClassOf(Size)] == secondPage);

        foreach (var b in blocks)
        {
            if (SegmentLayout<FastSpec>.PageOf((void*)b) == firstPage)
            {
                StaticHeap<FastSpec>.Free((void*)b);
            }
        }

        Assert.NotEqual(PageKind.Small, firstPage->Kind);

        StaticHeap<FastSpec>.Free((void*)block);
        Assert.Equal(PageKind.Small, secondPage->Kind);
        Assert.True(secondPage->Heap == heap);
        Assert.Equal(0, secondPage->Used);
    }
}
