// Shapes that gave false positives when the analyzer was run on public libraries
// (docs/real-code.md): each is written here from scratch, with a twin that must stay flagged.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests;

public sealed class RealCodePatternTests
{
    /// <summary>A SafeHandle subclass whose constructor keeps the block with SetHandle.</summary>
    private const string BlockHandle = """
            sealed class BlockHandle : SafeHandle
            {
                public BlockHandle(void* block)
                    : base(IntPtr.Zero, ownsHandle: true)
                {
                    SetHandle((IntPtr)block);
                }

                public override bool IsInvalid => handle == IntPtr.Zero;

                protected override bool ReleaseHandle()
                {
                    NativeMemory.Free((void*)handle);
                    return true;
                }
            }

        """;

    [Fact]
    public Task BlockKeptBySafeHandleSetHandleIsNotALeak() => VerifyAsync(InClass(BlockHandle + """
            static SafeHandle Open(nuint size)
            {
                void* block = NativeMemory.Alloc(size);
                return new BlockHandle(block);
            }
        """));

    [Fact]
    public Task BlockKeptThroughABaseConstructorThatCallsSetHandleIsNotALeak() => VerifyAsync(InClass("""
            abstract class OwnedHandle : SafeHandle
            {
                protected OwnedHandle(void* block)
                    : base(IntPtr.Zero, ownsHandle: true)
                {
                    SetHandle((IntPtr)block);
                }

                public override bool IsInvalid => handle == IntPtr.Zero;

                protected override bool ReleaseHandle()
                {
                    NativeMemory.Free((void*)handle);
                    return true;
                }
            }

            sealed class Snapshot : OwnedHandle
            {
                public Snapshot(void* block, nuint size)
                    : base(block)
                {
                    Size = size;
                }

                public nuint Size { get; }
            }

            static Snapshot Capture(nuint size)
            {
                void* block = NativeMemory.Alloc(size);
                var snapshot = new Snapshot(block, size);
                NativeMemory.Clear(block, size);
                return snapshot;
            }
        """));

    [Fact]
    public Task SafeHandleThatAllocatesInItsConstructorAndSetsItIsNotALeak() => VerifyAsync(InClass("""
            sealed class Scratch : SafeHandle
            {
                public Scratch(int size)
                    : base(IntPtr.Zero, ownsHandle: true)
                {
                    IntPtr block = Marshal.AllocHGlobal(size);
                    SetHandle(block);
                }

                public override bool IsInvalid => handle == IntPtr.Zero;

                protected override bool ReleaseHandle()
                {
                    Marshal.FreeHGlobal(handle);
                    return true;
                }
            }
        """));

    [Fact]
    public Task SafeHandleThatSetsSomethingElseLeaksTheBlockItAllocated() => VerifyAsync(InClass("""
            sealed class Scratch : SafeHandle
            {
                public Scratch(int size)
                    : base(IntPtr.Zero, ownsHandle: true)
                {
                    IntPtr block = {|#0:Marshal.AllocHGlobal(size)|};
                    Marshal.WriteByte(block, 0);
                    SetHandle(IntPtr.Zero);
                }

                public override bool IsInvalid => handle == IntPtr.Zero;

                protected override bool ReleaseHandle() => true;
            }
        """), Diagnostic("HEAP003", 0));

    [Fact]
    public Task SafeHandleWhoseConstructorDoesNotKeepTheBlockStillLeaks() => VerifyAsync(InClass("""
            sealed class EmptyHandle : SafeHandle
            {
                public EmptyHandle(void* block)
                    : base(IntPtr.Zero, ownsHandle: true)
                {
                    Present = block != null;
                }

                public bool Present { get; }

                public override bool IsInvalid => handle == IntPtr.Zero;

                protected override bool ReleaseHandle() => true;
            }

            static SafeHandle Open(nuint size)
            {
                void* block = {|#0:NativeMemory.Alloc(size)|};
                {|#1:return new EmptyHandle(block);|}
            }
        """), Diagnostic("HEAP003", 0, 1));

    [Fact]
    public Task PointerRecoveredFromASpanOverTheBlockAndStoredIsNotALeak() => VerifyAsync(InClass("""
            private byte* _text;
            private bool _owned;

            void Encode(ReadOnlySpan<char> value, Span<byte> scratch)
            {
                if (value.Length * 3 >= scratch.Length)
                {
                    int needed = (value.Length * 3) + 1;
                    scratch = new Span<byte>(NativeMemory.Alloc((nuint)needed), needed);
                    _owned = true;
                }

                _text = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(scratch));
                scratch[0] = 0;
            }
        """));

    [Fact]
    public Task PointerRecoveredFromASpanOverTheBlockFreesIt() => VerifyAsync(InClass("""
            static int Checksum(int length)
            {
                var scratch = new Span<byte>(NativeMemory.AllocZeroed((nuint)length), length);
                int sum = 0;
                foreach (var b in scratch)
                {
                    sum += b;
                }

                NativeMemory.Free(System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(scratch)));
                return sum;
            }
        """));

    [Fact]
    public Task PointerRecoveredFromASpanButNeitherKeptNorFreedStillLeaks() => VerifyAsync(InClass("""
            static int First(int length)
            {
                var scratch = new Span<byte>({|#0:NativeMemory.AllocZeroed((nuint)length)|}, length);
                byte* start = (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(scratch));
                {|#1:return start[0];|}
            }
        """), Diagnostic("HEAP003", 0, 1));
}
