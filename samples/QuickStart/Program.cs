using System;
using Heapsmith;

namespace QuickStart;

/// <summary>The policy of this heap is fixed here, at compile time; the generator does the rest.</summary>
[HeapConfig(MaxSmallSize = 8192, ClassesPerDoubling = 4)]
internal static unsafe partial class GameHeap
{
}

internal static class Program
{
    private static void Main()
    {
        Console.WriteLine($"GameHeap: {GameHeap.SizeClassCount} size classes up to {GameHeap.MaxSmallSize} bytes");
        Console.WriteLine("request -> block");
        foreach (var request in new nuint[] { 1, 17, 100, 1000, 5000, 8192, 10000 })
        {
            Console.WriteLine($"{request,7} -> {GameHeap.GoodSize(request),6}");
        }
    }
}
