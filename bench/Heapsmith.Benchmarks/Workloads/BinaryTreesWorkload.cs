using System.Runtime.CompilerServices;
using Heapsmith.Benchmarks.Allocators;

namespace Heapsmith.Benchmarks.Workloads;

// The Benchmarks Game's binary-trees with unmanaged nodes: one long-lived tree of MaxDepth, then for
// each depth d = MinDepth, MinDepth+2, ..., MaxDepth, 2^(MaxDepth - d + MinDepth) short-lived trees
// of depth d, each built, walked and freed. Many 16-byte blocks allocated in bursts and freed in
// bursts: the pattern of a node-based data structure.

/// <summary>Binary trees of 16-byte unmanaged nodes.</summary>
internal unsafe struct BinaryTreesWorkload : IAllocatorWorkload
{
    public const int MinDepth = 4;

    public int MaxDepth;

    /// <summary>Total nodes checked; the result the walk must produce.</summary>
    public long Checksum;

    /// <summary>Nodes allocated (and freed) in one run with <paramref name="maxDepth"/>.</summary>
    public static long NodesPerRun(int maxDepth)
    {
        long nodes = (1L << (maxDepth + 1)) - 1;
        for (var depth = MinDepth; depth <= maxDepth; depth += 2)
        {
            nodes += (1L << (maxDepth - depth + MinDepth)) * ((1L << (depth + 1)) - 1);
        }

        return nodes;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Run<TAlloc>()
        where TAlloc : struct, IAllocator
    {
        var longLived = Build<TAlloc>(MaxDepth);
        long check = 0;
        for (var depth = MinDepth; depth <= MaxDepth; depth += 2)
        {
            var iterations = 1 << (MaxDepth - depth + MinDepth);
            for (var i = 0; i < iterations; i++)
            {
                var tree = Build<TAlloc>(depth);
                check += Count(tree);
                Release<TAlloc>(tree);
            }
        }

        check += Count(longLived);
        Release<TAlloc>(longLived);
        Checksum = check;
    }

    private static Node* Build<TAlloc>(int depth)
        where TAlloc : struct, IAllocator
    {
        var node = (Node*)TAlloc.Alloc((nuint)sizeof(Node));
        if (depth > 0)
        {
            node->Left = Build<TAlloc>(depth - 1);
            node->Right = Build<TAlloc>(depth - 1);
        }
        else
        {
            node->Left = null;
            node->Right = null;
        }

        return node;
    }

    private static long Count(Node* node) => node->Left == null ? 1 : 1 + Count(node->Left) + Count(node->Right);

    private static void Release<TAlloc>(Node* node)
        where TAlloc : struct, IAllocator
    {
        if (node->Left != null)
        {
            Release<TAlloc>(node->Left);
            Release<TAlloc>(node->Right);
        }

        TAlloc.Free(node);
    }

    private struct Node
    {
        public Node* Left;
        public Node* Right;
    }
}
