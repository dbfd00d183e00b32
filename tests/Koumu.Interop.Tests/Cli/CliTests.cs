using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Koumu.Interop.Cli;
using Koumu.Interop.Tests.TestSupport;
using static Koumu.Interop.Tests.TestSupport.SamplePackages;

namespace Koumu.Interop.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "koumu-cli-" + Guid.NewGuid().ToString("N"));

    public CliTests() => Directory.CreateDirectory(_folder);

    private string Connection => $"Data Source={Path.Combine(_folder, "cli.db")};Pooling=False";

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await new KoumuCli(output, error).RunAsync(args);
        return (exit, output.ToString(), error.ToString());
    }

    private static PackageBuilder WithUnresolvedReference() => Rostering().File("enrollments", "bulk", EnrollmentsHeader,
        [.. EnrollmentRows, "enr-x1,,,class-1,org-school,user-nobody,student,false,,"]);

    [Fact]
    public async Task Validate_of_a_valid_package_exits_0()
    {
        var (exit, output, _) = await RunAsync("validate", Rostering().WriteZip(), "--profile", "oneroster-1.2");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains(": valid — profile oneroster-1.2, 0 errors", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_prints_every_problem_as_file_line_column_rule_and_both_messages_and_exits_1()
    {
        var (exit, output, _) = await RunAsync("validate", WithUnresolvedReference().WriteFolder(), "--profile", "oneroster-1.2");

        Assert.Equal(ExitCodes.Invalid, exit);
        var line = Assert.Single(output.Split('\n'), l => l.Contains("[reference.unresolved]", StringComparison.Ordinal));
        Assert.StartsWith("enrollments.csv:5:userSourcedId [reference.unresolved] Error: ", line, StringComparison.Ordinal);
        Assert.Contains(" / ", line, StringComparison.Ordinal);
        Assert.Matches(@"\p{IsCJKUnifiedIdeographs}|\p{IsKatakana}|\p{IsHiragana}", line); // the Japanese message
        Assert.Contains("invalid — profile oneroster-1.2, 1 errors", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_json_output_lists_problems_with_rule_ids()
    {
        var (exit, output, _) = await RunAsync("validate", WithUnresolvedReference().WriteZip(), "--profile", "oneroster-1.2", "--format", "json");

        Assert.Equal(ExitCodes.Invalid, exit);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.False(json.GetProperty("valid").GetBoolean());
        Assert.Equal(1, json.GetProperty("errorCount").GetInt64());
        var problem = json.GetProperty("problems")[0];
        Assert.Equal("reference.unresolved", problem.GetProperty("ruleId").GetString());
        Assert.Equal(5, problem.GetProperty("line").GetInt64());
        Assert.Equal("user-nobody", problem.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Validate_of_a_file_that_is_not_a_zip_reports_package_not_a_zip_and_exits_1()
    {
        var path = Path.Combine(_folder, "roster.zip");
        await File.WriteAllTextAsync(path, "sourcedId,status\nnot,a zip\n");

        var (exit, output, _) = await RunAsync("validate", path, "--profile", "jp-1.2.1");

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("[package.not_a_zip]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reads_Shift_JIS_when_asked()
    {
        var sjis = Koumu.Interop.Schemas.Packages.ShiftJis.Encoding;
        byte[] Sjis(string header, string[] rows) => sjis.GetBytes(header + "\n" + string.Join("\n", rows) + "\n");
        // Every file in CP932, with machine-dependent characters (髙, 﨑) that plain Shift_JIS lacks.
        var package = new PackageBuilder()
            .File("orgs", "bulk", Sjis(OrgsHeader, OrgRows))
            .File("academicSessions", "bulk", Sjis(SessionsHeader, SessionRows))
            .File("courses", "bulk", Sjis(CoursesHeader, CourseRows))
            .File("classes", "bulk", Sjis(ClassesHeader, ClassRows))
            .File("users", "bulk", Sjis(UsersHeader, [.. UserRows.Select(r => r.Replace("花子", "髙﨑", StringComparison.Ordinal))]))
            .File("roles", "bulk", Sjis(RolesHeader, RoleRows))
            .File("enrollments", "bulk", Sjis(EnrollmentsHeader, EnrollmentRows));

        var folder = package.WriteFolder();

        var (exit, output, _) = await RunAsync("validate", folder, "--profile", "oneroster-1.2", "--encoding", "shift_jis");
        var (utf8Exit, _, _) = await RunAsync("validate", folder, "--profile", "oneroster-1.2");

        Assert.True(exit == ExitCodes.Ok, output);
        Assert.Equal(ExitCodes.Invalid, utf8Exit); // read as UTF-8 the same bytes are not valid
    }

    [Theory]
    [InlineData("validate")]                                                   // no package
    [InlineData("validate", "%PKG%")]                                          // no --profile
    [InlineData("validate", "%PKG%", "--profile", "jp-9")]                     // unknown profile
    [InlineData("validate", "%PKG%", "--profile", "jp-1.2.1", "--format", "xml")]
    [InlineData("validate", "%PKG%", "--profile", "jp-1.2.1", "--encoding", "ebcdic")]
    [InlineData("validate", "/no/such/package.zip", "--profile", "jp-1.2.1")] // unreadable
    [InlineData("frobnicate")]
    [InlineData("import", "%PKG%", "--profile", "oneroster-1.2")]            // no --tenant
    [InlineData("import", "%PKG%", "--profile", "oneroster-1.2", "--tenant", "../x")]
    [InlineData("export", "out.zip", "--tenant", "t", "--mode", "delta", "--connection", "%DB%")]
    [InlineData("export", "out.zip", "--tenant", "t", "--since", "2026-01-01T00:00:00Z", "--connection", "%DB%")]
    [InlineData("export", "out.zip", "--tenant", "t", "--users-layout", "1.3")]
    [InlineData("export", "out.zip", "--tenant", "no-such-tenant", "--connection", "%DB%")]
    [InlineData("seed", "--pupils", "0")]
    [InlineData("import", "%PKG%", "--profile", "oneroster-1.2", "--tenant", "t", "--db", "postgres")]
    public async Task Usage_errors_and_unreadable_input_exit_2(params string[] args)
    {
        var package = Rostering().WriteFolder();
        var resolved = args.Select(a => a.Replace("%PKG%", package, StringComparison.Ordinal).Replace("%DB%", Connection, StringComparison.Ordinal)).ToArray();

        var (exit, _, error) = await RunAsync(resolved);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.False(string.IsNullOrWhiteSpace(error));
    }

    [Fact]
    public async Task Import_stores_a_valid_package_and_export_writes_it_back()
    {
        var (importExit, importOut, _) = await RunAsync("import", Rostering().WriteZip(), "--tenant", "board-cli", "--profile", "oneroster-1.2", "--connection", Connection);
        var zip = Path.Combine(_folder, "out.zip");
        var (exportExit, exportOut, _) = await RunAsync("export", zip, "--tenant", "board-cli", "--connection", Connection, "--users-layout", "1.2");

        Assert.Equal(ExitCodes.Ok, importExit);
        Assert.Contains("stored", importOut, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, exportExit);
        Assert.Contains(zip, exportOut, StringComparison.Ordinal);
        using var archive = ZipFile.OpenRead(zip);
        using var users = new StreamReader(archive.GetEntry("users.csv")!.Open(), Encoding.UTF8);
        var text = await users.ReadToEndAsync();
        Assert.Contains("resourceSourcedIds", text.Split('\n')[0], StringComparison.Ordinal);
        Assert.Contains("user-s2", text, StringComparison.Ordinal);
        Assert.False(File.Exists(zip + ".partial"));
    }

    [Fact]
    public async Task Import_of_an_invalid_package_stores_nothing_and_exits_1()
    {
        var (exit, output, _) = await RunAsync("import", WithUnresolvedReference().WriteZip(), "--tenant", "board-cli", "--profile", "oneroster-1.2", "--connection", Connection);
        var zip = Path.Combine(_folder, "out.zip");
        var (exportExit, _, _) = await RunAsync("export", zip, "--tenant", "board-cli", "--connection", Connection);

        Assert.Equal(ExitCodes.Invalid, exit);
        Assert.Contains("[reference.unresolved]", output, StringComparison.Ordinal);
        Assert.Contains("rejected, nothing stored", output, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Ok, exportExit); // the tenant exists (created by the import) but holds nothing
        using var archive = ZipFile.OpenRead(zip);
        Assert.Null(archive.GetEntry("users.csv"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
