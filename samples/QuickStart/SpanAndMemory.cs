using System;
using System.IO;
using System.Threading.Tasks;

namespace QuickStart;

// Heap memory where .NET APIs want Span<T> or Memory<T>: a block owned as IMemoryOwner<byte>
// handed to Stream.ReadAsync, and the Span sibling of Alloc<T>. Not in an unsafe class: it awaits.
internal static class SpanAndMemory
{
    /// <summary>
    /// Span and Memory: a file read with Stream.ReadAsync into a 64 KiB block of GameHeap owned as
    /// IMemoryOwner&lt;byte&gt; (any Memory&lt;T&gt; API takes it: sockets, Pipelines); the
    /// owner's Dispose frees the block.
    /// </summary>
    public static async Task ReadFile(string path)
    {
        Console.WriteLine($"== Span and Memory: reading {Path.GetFileName(path)} with Stream.ReadAsync into GameHeap memory");
        var before = GameHeap.GetStats();
        long total = 0;
        uint checksum = 0;
        using (var buffer = GameHeap.AllocMemory<byte>(64 * 1024))
        await using (var file = File.OpenRead(path))
        {
            int read;
            while ((read = await file.ReadAsync(buffer.Memory)) > 0)
            {
                foreach (var b in buffer.Memory.Span[..read])
                {
                    checksum = (checksum * 31) + b;
                }

                total += read;
            }
        }

        uint expected = 0;
        foreach (var b in File.ReadAllBytes(path))
        {
            expected = (expected * 31) + b;
        }

        var after = GameHeap.GetStats();
        Console.WriteLine($"  {total:N0} bytes through one 64 KiB heap block, checksum {(checksum == expected ? "matches File.ReadAllBytes" : "DIFFERS")}; " +
            $"blocks allocated {after.Allocations - before.Allocations}, freed by the owner's Dispose {after.Frees - before.Frees}");

        var span = GameHeap.AllocSpan<int>(16);     // the Span sibling of Alloc<int>(16)
        span.Fill(3);
        Console.WriteLine($"  AllocSpan<int>(16)  -> a span of {span.Length}, span[15] = {span[15]}; GameHeap.Free(span) frees it");
        GameHeap.Free(span);
    }
}
