// Applies the fixes of the generator's diagnostics (HEAP1xx) the way an IDE does: the real
// HeapGenerator runs on a workspace project, its diagnostics go to the provider through a
// CodeFixContext (one fix) or a FixAllContext (document or project scope), and the result is
// compiled with the generator again so a test can check it is valid and free of HEAP1xx.
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Heapsmith.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace Heapsmith.Analyzers.Tests.CodeFixes;

internal static class GeneratorFixHarness
{
    /// <summary>A project holding <paramref name="sources"/> (Test0.cs, Test1.cs, …).</summary>
    public static Project CreateProject(params string[] sources)
    {
        var workspace = new AdhocWorkspace();
        var project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Create(),
            "Test",
            "Test",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true),
            parseOptions: new CSharpParseOptions(LanguageVersion.Latest),
            metadataReferences: AnalyzerRunner.References));
        for (var i = 0; i < sources.Length; i++)
        {
            project = project.AddDocument($"Test{i}.cs", SourceText.From(sources[i]), filePath: $"/src/Test{i}.cs").Project;
        }

        return project;
    }

    /// <summary>The generator's diagnostics for the project, and the errors of the compilation it produces.</summary>
    public static async Task<(ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Errors)> RunGeneratorAsync(Project project)
    {
        var compilation = (await project.GetCompilationAsync())!;
        CSharpGeneratorDriver.Create(new HeapGenerator())
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        var errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();
        return (diagnostics, errors);
    }

    /// <summary>Applies the action <paramref name="key"/> to the first diagnostic <paramref name="id"/> of the first document.</summary>
    public static async Task<Project> FixOneAsync(CodeFixProvider provider, Project project, string id, string key)
    {
        var document = project.Documents.First();
        var diagnostic = (await RunGeneratorAsync(project)).Generator.First(d => d.Id == id && In(d, document));
        var actions = new List<CodeAction>();
        await provider.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None));
        return await ApplyAsync(actions.Single(a => a.EquivalenceKey == key), project);
    }

    /// <summary>Fix All with action <paramref name="key"/> in the first document or the whole project.</summary>
    public static async Task<Project> FixAllAsync(CodeFixProvider provider, Project project, string id, string key, FixAllScope scope)
    {
        var context = scope == FixAllScope.Document
            ? new FixAllContext(project.Documents.First(), provider, scope, key, new[] { id }, new GeneratorDiagnostics(id), CancellationToken.None)
            : new FixAllContext(project, provider, scope, key, new[] { id }, new GeneratorDiagnostics(id), CancellationToken.None);
        var action = await provider.GetFixAllProvider()!.GetFixAsync(context);
        return await ApplyAsync(action!, project);
    }

    public static async Task<string> TextAsync(Project project, int document = 0) =>
        (await project.Documents.ElementAt(document).GetTextAsync()).ToString();

    /// <summary>The generator reports locations by file path and span (it caches them as values), not by tree.</summary>
    private static bool In(Diagnostic diagnostic, Document document) => diagnostic.Location.GetLineSpan().Path == document.FilePath;

    private static async Task<Project> ApplyAsync(CodeAction action, Project project)
    {
        var operations = await action.GetOperationsAsync(CancellationToken.None);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return solution.GetProject(project.Id)!;
    }

    private sealed class GeneratorDiagnostics : FixAllContext.DiagnosticProvider
    {
        private readonly string _id;

        public GeneratorDiagnostics(string id) => _id = id;

        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            (await GetAllDiagnosticsAsync(document.Project, cancellationToken)).Where(d => In(d, document));

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult(Enumerable.Empty<Diagnostic>());

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            (await RunGeneratorAsync(project)).Generator.Where(d => d.Id == _id);
    }
}
