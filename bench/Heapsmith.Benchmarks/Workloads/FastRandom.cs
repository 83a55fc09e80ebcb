using System.Runtime.CompilerServices;

namespace Heapsmith.Benchmarks.Workloads;

// xorshift64*: a few cycles per number, deterministic per seed, so every allocator sees the same
// sequence of sizes and slots and the generator's own cost is equal for all of them.

/// <summary>A small deterministic pseudo-random generator for workloads.</summary>
internal struct FastRandom
{
    private ulong _state;

    public FastRandom(ulong seed) => _state = seed == 0 ? 0x9E3779B97F4A7C15UL : seed;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Next()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }

    /// <summary>Uniform in <c>[0, bound)</c> (bound &gt; 0), by multiply-shift (no division).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int NextInt(int bound) => (int)(((Next() >> 32) * (ulong)(uint)bound) >> 32);

    /// <summary>
    /// A size whose log2 is uniform in <c>[minLog2, maxLog2)</c>: as many sizes in 16..32 as in
    /// 1024..2048, the shape of real programs (many small blocks, a tail of large ones).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public nuint NextLogUniformSize(int minLog2, int maxLog2)
    {
        var log2 = minLog2 + NextInt(maxLog2 - minLog2);
        var low = (nuint)1 << log2;
        return low + (nuint)NextInt((int)low);
    }
}
