// .editorconfig configuration as users write it: a per-id severity of none silences that id only,
// and heapsmith.unannotated_calls (borrow, the default, or escape; case and spaces do not matter;
// unknown values read as borrow). Raised severities (error) are checked by a real build in
// DotnetFormatTests: this test framework reports analyzer diagnostics at their descriptor severity.
using System.Threading.Tasks;
using static Heapsmith.Analyzers.Tests.AnalyzerHarness;

namespace Heapsmith.Analyzers.Tests.CodeFixes;

public sealed class EditorConfigTests
{
    private const string PassedToUnannotatedCall = """
            static extern void Look(byte* p);

            void M()
            {
                byte* p = (byte*){|#0:H.Alloc(16)|};
                Look(p);
            }
        """;

    private const string DoubleFree = """
            void M()
            {
                void* p = H.Alloc(16);
                {|#1:H.Free(p)|};
                {|#0:H.Free(p)|};
            }
        """;

    [Fact]
    public Task SeverityNoneSilencesOnlyThatId() => VerifyAsync(
        InClass(DoubleFree + "\n" + PassedToUnannotatedCall.Replace("#0", "#2").Replace("void M()", "void N()")),
        "dotnet_diagnostic.HEAP003.severity = none",
        Diagnostic("HEAP001", 0, 1));

    [Fact]
    public Task ExplicitBorrowIsTheDefaultReading() => VerifyAsync(
        InClass(PassedToUnannotatedCall),
        "heapsmith.unannotated_calls = borrow",
        Diagnostic("HEAP003", 0));

    [Fact]
    public Task EscapeIsReadWhateverTheCase() => VerifyAsync(
        InClass(PassedToUnannotatedCall.Replace("{|#0:", string.Empty).Replace("|}", string.Empty)),
        "heapsmith.unannotated_calls = Escape ");

    [Fact]
    public Task UnknownValueReadsAsBorrow() => VerifyAsync(
        InClass(PassedToUnannotatedCall),
        "heapsmith.unannotated_calls = maybe",
        Diagnostic("HEAP003", 0));
}
