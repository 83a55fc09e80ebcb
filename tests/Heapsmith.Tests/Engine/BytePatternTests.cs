using System;
using Heapsmith.Engine;

namespace Heapsmith.Tests.Engine;

// The inline fills and checks behind Junk and Canary: every length writes exactly its run (the
// overlapping stores of short runs never spill past either end) and the check notices any one
// byte changed, at every position.
public unsafe class BytePatternTests
{
    private const byte Guard = 0x11;
    private const byte Value = 0xCA;

    [Fact]
    public void Fill_writes_exactly_the_run_for_every_length()
    {
        var buffer = new byte[300];
        fixed (byte* b = buffer)
        {
            for (var length = 0; length <= 200; length++)
            {
                for (var offset = 1; offset <= 8; offset++)
                {
                    buffer.AsSpan().Fill(Guard);
                    BytePattern.Fill(b + 32 + offset, (nuint)length, Value);
                    for (var i = 0; i < buffer.Length; i++)
                    {
                        var inside = i >= 32 + offset && i < 32 + offset + length;
                        Assert.True(buffer[i] == (inside ? Value : Guard), $"length {length}, offset {offset}: byte {i} is {buffer[i]:x2}");
                    }
                }
            }
        }
    }

    [Fact]
    public void IsFilled_notices_any_one_byte_changed_for_every_length()
    {
        var buffer = new byte[300];
        fixed (byte* b = buffer)
        {
            for (var length = 0; length <= 200; length++)
            {
                var start = b + 37;
                buffer.AsSpan().Fill(Guard); // the bytes around the run differ: they must not be looked at
                new Span<byte>(start, length).Fill(Value);
                Assert.True(BytePattern.IsFilled(start, (nuint)length, Value), $"length {length}");
                for (var i = 0; i < length; i++)
                {
                    start[i] = 0;
                    Assert.False(BytePattern.IsFilled(start, (nuint)length, Value), $"length {length}: byte {i} changed");
                    start[i] = Value;
                }
            }
        }
    }
}
