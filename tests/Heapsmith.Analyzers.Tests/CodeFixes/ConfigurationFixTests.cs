// HEAP100 and HEAP101 code fixes on the real generator's diagnostics: one fix, Fix All in a
// document and in a project; each fixed project compiles with the generator, free of errors.
using System.Linq;
using System.Threading.Tasks;
using Heapsmith.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using static Heapsmith.Analyzers.Tests.CodeFixes.GeneratorFixHarness;

namespace Heapsmith.Analyzers.Tests.CodeFixes;

public sealed class ConfigurationFixTests
{
    private const string Usings = "using Heapsmith;\n\n";

    [Fact]
    public async Task ValueIsRoundedUpToTheNextPowerOfTwo()
    {
        var project = CreateProject(Usings + "[HeapConfig(PageSize = 70000, Alignment = 16)]\npublic static partial class H\n{\n}\n");
        var (before, _) = await RunGeneratorAsync(project);
        Assert.Contains(before, d => d.Id == "HEAP101");

        var fixedProject = await FixOneAsync(new PowerOfTwoCodeFixProvider(), project, "HEAP101", PowerOfTwoCodeFixProvider.EquivalenceKey);

        Assert.Equal(Usings + "[HeapConfig(PageSize = 131072, Alignment = 16)]\npublic static partial class H\n{\n}\n", await TextAsync(fixedProject));
        await AssertCleanAsync(fixedProject);
    }

    [Fact]
    public async Task FixAllInTheDocumentRoundsEveryValue()
    {
        var project = CreateProject(Usings + """
            [HeapConfig(MinBlockSize = 24, Alignment = 24)]
            public static partial class A
            {
            }

            [HeapConfig(SegmentSize = 5 * 1024 * 1024)]
            public static partial class B
            {
            }

            """);

        var fixedProject = await FixAllAsync(new PowerOfTwoCodeFixProvider(), project, "HEAP101", PowerOfTwoCodeFixProvider.EquivalenceKey, FixAllScope.Document);

        Assert.Equal(Usings + """
            [HeapConfig(MinBlockSize = 32, Alignment = 32)]
            public static partial class A
            {
            }

            [HeapConfig(SegmentSize = 8388608)]
            public static partial class B
            {
            }

            """, await TextAsync(fixedProject));
        await AssertCleanAsync(fixedProject);
    }

    [Fact]
    public async Task ClassAndItsContainersBecomePartial()
    {
        var project = CreateProject(Usings + """
            public static class Game
            {
                [HeapConfig]
                public static unsafe class Heap
                {
                }
            }

            """);
        Assert.Contains((await RunGeneratorAsync(project)).Generator, d => d.Id == "HEAP100");

        var fixedProject = await FixOneAsync(new NotPartialCodeFixProvider(), project, "HEAP100", NotPartialCodeFixProvider.EquivalenceKey);

        Assert.Equal(Usings + """
            public static partial class Game
            {
                [HeapConfig]
                public static unsafe partial class Heap
                {
                }
            }

            """, await TextAsync(fixedProject));
        await AssertCleanAsync(fixedProject);
    }

    [Fact]
    public async Task FixAllInTheProjectMakesEveryHeapPartialOnce()
    {
        var project = CreateProject(
            Usings + """
            class Outer
            {
                [HeapConfig]
                static class First
                {
                }

                [HeapConfig]
                static class Second
                {
                }
            }

            """,
            Usings + "[HeapConfig]\nclass Third\n{\n}\n");

        var fixedProject = await FixAllAsync(new NotPartialCodeFixProvider(), project, "HEAP100", NotPartialCodeFixProvider.EquivalenceKey, FixAllScope.Project);

        Assert.Equal(Usings + """
            partial class Outer
            {
                [HeapConfig]
                static partial class First
                {
                }

                [HeapConfig]
                static partial class Second
                {
                }
            }

            """, await TextAsync(fixedProject, 0));
        Assert.Equal(Usings + "[HeapConfig]\npartial class Third\n{\n}\n", await TextAsync(fixedProject, 1));
        await AssertCleanAsync(fixedProject);
    }

    [Fact]
    public void NextPowerOfTwoRoundsUpAndStopsAtIntRange()
    {
        Assert.Equal(1, PowerOfTwoCodeFixProvider.NextPowerOfTwo(1));
        Assert.Equal(4096, PowerOfTwoCodeFixProvider.NextPowerOfTwo(3000));
        Assert.Equal(4096, PowerOfTwoCodeFixProvider.NextPowerOfTwo(4096));
        Assert.Equal(1 << 30, PowerOfTwoCodeFixProvider.NextPowerOfTwo((1 << 30) - 1));
        Assert.Null(PowerOfTwoCodeFixProvider.NextPowerOfTwo((1 << 30) + 1));
    }

    private static async Task AssertCleanAsync(Microsoft.CodeAnalysis.Project project)
    {
        var (generator, errors) = await RunGeneratorAsync(project);
        Assert.Empty(generator.Where(d => d.Id.StartsWith("HEAP1", System.StringComparison.Ordinal)));
        Assert.Empty(errors);
    }
}
