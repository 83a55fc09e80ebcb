// The generator never throws: broken or random attribute syntax, broken classes and missing
// references give compiler errors or HEAP diagnostics, never an exception (CS8785).
using System;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Heapsmith.Generators.Tests;

public class RobustnessTests
{
    private static readonly string[] Names =
    {
        "MinBlockSize", "MaxSmallSize", "ClassesPerDoubling", "SizeClasses", "Alignment", "PageSize",
        "SegmentSize", "ThreadSafe", "Backend", "Checks", "PurgeDelayMs", "Unknown", "", "1",
    };

    private static readonly string[] Values =
    {
        "0", "-1", "1", "3", "8", "16", "24", "4096", "65536", "int.MaxValue", "int.MinValue", "1 << 30", "1 << 31",
        "\"text\"", "null", "true", "2.5", "new[] { 16, 32 }", "new[] { 32, 16 }", "new int[0]", "new[] { 0 }",
        "new[] { int.MaxValue }", "new int[] { 16, \"x\" }", "HeapBackend.Brk", "(HeapBackend)99", "HeapChecks.All",
        "(HeapChecks)(-1)", "typeof(int)", "nameof(x)", "", "(", "new[] {", "{ 1, 2 }", "Missing.Value", "default",
    };

    private static readonly string[] Shapes =
    {
        "public static partial class H{0} {{ }}",
        "public partial class H{0} {{ }}",
        "public static class H{0} {{ }}",
        "public static partial class H{0}<T> {{ }}",
        "public partial class Outer{0} {{ [HeapConfig] public partial class H{0} {{ }} }}",
        "public class Outer{0} {{ [HeapConfig] public static partial class H{0} {{ }} }}",
        "public static partial class H{0} {{ public static void Alloc() {{ }}",
        "public static partial class H{0} : Missing {{ }}",
        "public partial class",
        "partial class H{0} {{ int }}",
        "public abstract partial class H{0} {{ }}",
        "file static partial class H{0} {{ }}",
    };

    [Fact]
    public void Random_attribute_syntax_never_crashes_the_generator()
    {
        var random = new Random(20261126); // fixed seed: a failure is reproducible
        for (var iteration = 0; iteration < 200; iteration++)
        {
            var source = new StringBuilder("using Heapsmith;\n");
            var heaps = random.Next(1, 4);
            for (var h = 0; h < heaps; h++)
            {
                source.Append("[HeapConfig");
                if (random.Next(4) > 0)
                {
                    source.Append('(');
                    var arguments = random.Next(0, 5);
                    for (var a = 0; a < arguments; a++)
                    {
                        if (a > 0)
                        {
                            source.Append(random.Next(10) == 0 ? " " : ", ");
                        }

                        source.Append(Names[random.Next(Names.Length)]);
                        source.Append(random.Next(10) == 0 ? " : " : " = ");
                        source.Append(Values[random.Next(Values.Length)]);
                    }

                    if (random.Next(10) > 0)
                    {
                        source.Append(')');
                    }
                }

                source.Append(random.Next(10) > 0 ? "]\n" : "\n");
                source.AppendLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, Shapes[random.Next(Shapes.Length)], h));
            }

            AssertNoCrash(source.ToString());
        }
    }

    [Fact]
    public void Truncated_prefixes_of_a_valid_heap_never_crash_the_generator()
    {
        const string valid = """
            using Heapsmith;
            namespace Game { public static partial class Outer {
            [HeapConfig(MinBlockSize = 16, SizeClasses = new[] { 16, 32, 48 }, Backend = HeapBackend.Mmap, Checks = HeapChecks.DoubleFree | HeapChecks.Junk)]
            public sealed partial class Arena { } } }
            """;
        for (var length = 0; length <= valid.Length; length += 3)
        {
            AssertNoCrash(valid.Substring(0, length));
        }
    }

    [Fact]
    public void Missing_runtime_reference_or_a_fake_attribute_never_crash_the_generator()
    {
        // Without the runtime, [HeapConfig] does not bind: nothing happens.
        var without = CSharpCompilation.Create(
            "NoRuntime",
            new[] { CSharpSyntaxTree.ParseText("using Heapsmith; [HeapConfig] public static partial class H { }", GeneratorHarness.ParseOptions) },
            Basic.Reference.Assemblies.Net80.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var run = GeneratorHarness.Run(without);
        Assert.Null(run.Result.Exception);
        Assert.Empty(run.Result.GeneratedSources);

        // A look-alike attribute in source without the engine: the heap is emitted and the missing
        // engine types are ordinary compile errors, not a generator crash.
        var fake = CSharpCompilation.Create(
            "FakeAttribute",
            new[] { CSharpSyntaxTree.ParseText("namespace Heapsmith { public sealed class HeapConfigAttribute : System.Attribute { public int MinBlockSize { get; set; } } } [Heapsmith.HeapConfig(MinBlockSize = 32)] public static partial class H { }", GeneratorHarness.ParseOptions) },
            Basic.Reference.Assemblies.Net80.References.All,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
        var fakeRun = GeneratorHarness.Run(fake);
        Assert.Null(fakeRun.Result.Exception);
        Assert.DoesNotContain(fakeRun.GeneratorDiagnostics, d => d.Id == "CS8785");
    }

    private static void AssertNoCrash(string source)
    {
        // RunGenerators only (no updated compilation): the crash shows in the run result.
        var result = GeneratorHarness.CreateDriver().RunGenerators(GeneratorHarness.Compile(source)).GetRunResult();
        var exception = result.Results.Single().Exception;
        if (exception is not null || result.Diagnostics.Any(d => d.Id == "CS8785"))
        {
            Assert.Fail($"The generator crashed on:\n{source}\n{exception}");
        }
    }
}
