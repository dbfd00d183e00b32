using System.CommandLine;
using System.Globalization;
using System.Text;
using Koumu.Interop.Conformance.Csv;
using Koumu.Interop.Conformance.Reports;
using Koumu.Interop.Conformance.Rest;
using Koumu.Interop.Conformance.Xapi;
using Koumu.Interop.Schemas.Profiles;
using Spectre.Console;

namespace Koumu.Interop.Conformance.Cli;

/// <summary>Exit codes, stable for scripts and vendors' CI.</summary>
public static class ExitCodes
{
    /// <summary>Every MUST passed (SHOULD failures are reported, not fatal).</summary>
    public const int Conformant = 0;

    /// <summary>At least one MUST failed.</summary>
    public const int NotConformant = 1;

    /// <summary>Wrong usage, or an input that cannot be read at all.</summary>
    public const int Usage = 2;
}

/// <summary>
/// The <c>koumu-conformance</c> command line. Everything it prints goes to the writers it is given and everything it
/// decides is the returned exit code, so tests run it in-process exactly as a shell would.
/// </summary>
public sealed class ConformanceCli(TextWriter output, TextWriter error, bool showProgress = false)
{
    /// <summary>Where the client secret is read from when <c>--client-secret</c> is not given (a secret in argv is visible to every user of the machine).</summary>
    public const string SecretVariable = "KOUMU_CONFORMANCE_CLIENT_SECRET";

    /// <summary>Where the LRS Basic password is read from when <c>--password</c> is not given.</summary>
    public const string XapiPasswordVariable = "KOUMU_CONFORMANCE_XAPI_PASSWORD";

    /// <summary>The transport for REST targets; null = the network. Tests give the hub's in-memory handler.</summary>
    public HttpMessageHandler? Handler { get; init; }

    /// <summary>Reads environment variables (tests replace it).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("koumu-conformance: checks a OneRoster 1.2 REST provider, a OneRoster CSV package or an xAPI LRS and writes reports a board can hand to a vendor.")
        {
            RestCommand(), CsvCommand(), XapiCommand(), ListCommand(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync("Run 'koumu-conformance --help' for usage.");
            return ExitCodes.Usage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync(e.Message);
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await error.WriteLineAsync("Cannot read or write: " + e.Message);
            return ExitCodes.Usage;
        }
    }

    // ---- shared options ------------------------------------------------------------------------------------------

    private sealed record ReportOptions(Option<string[]> Sections, Option<string[]> Ids, Option<string?> Json, Option<string?> JUnit, Option<string?> Html)
    {
        public static ReportOptions Create() => new(
            new Option<string[]>("--section") { Description = "Only assertions of this section (auth, contract, paging, sort, filter, fields, errors, relationships, japan; CSV: package, structure, type, reference, profile; xAPI: about, version, auth, statements, data, query, voiding, format, attachments, validation, documents, agents, activities). Repeatable.", AllowMultipleArgumentsPerToken = false },
            new Option<string[]>("--id") { Description = "Only this assertion id (a trailing * matches a prefix, e.g. OR-REST-PAGE-*). Repeatable." },
            new Option<string?>("--json") { Description = "Write the JSON report to this file." },
            new Option<string?>("--junit") { Description = "Write a JUnit XML report (one testcase per assertion) to this file." },
            new Option<string?>("--html") { Description = "Write the HTML report (Japanese, English switchable) to this file." });

        public void AddTo(Command command)
        {
            command.Add(Sections);
            command.Add(Ids);
            command.Add(Json);
            command.Add(JUnit);
            command.Add(Html);
        }

        public AssertionSelection Selection(ParseResult parse, string target) => new()
        {
            Targets = [target],
            Sections = parse.GetValue(Sections) ?? [],
            Ids = parse.GetValue(Ids) ?? [],
        };
    }

    private Task<int> RunTargetAsync(IConformanceTarget target, AssertionSelection selection, ParseResult parse, ReportOptions reports, CancellationToken ct) =>
        RunTargetsAsync([target], selection, parse, reports, ct);

    private async Task<int> RunTargetsAsync(IReadOnlyList<IConformanceTarget> targets, AssertionSelection selection, ParseResult parse, ReportOptions reports, CancellationToken ct)
    {
        if (!targets.Any(t => t.Assertions.Any(selection.Includes))) throw new UsageException("No assertion matches the --section/--id selection.");
        var report = await WithProgressAsync(targets, selection, ct);
        await WriteSummaryAsync(report);
        await WriteFileAsync(parse.GetValue(reports.Json), () => JsonReport.Write(report));
        await WriteFileAsync(parse.GetValue(reports.JUnit), () => JUnitReport.Write(report));
        await WriteFileAsync(parse.GetValue(reports.Html), () => HtmlReport.Write(report));
        return report.Summary.Conformant ? ExitCodes.Conformant : ExitCodes.NotConformant;
    }

    private async Task<ConformanceReport> WithProgressAsync(IReadOnlyList<IConformanceTarget> targets, AssertionSelection selection, CancellationToken ct)
    {
        if (!showProgress) return await ConformanceRunner.RunAsync(targets, selection, cancellationToken: ct);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(targets[0].Target), maxValue: targets.Sum(t => t.Assertions.Count(selection.Includes)));
                // One report per recorded result; counted across targets (each target's Done starts again at 1).
                var recorded = 0;
                var progress = new Progress<ConformanceProgress>(p =>
                {
                    task.Value = ++recorded;
                    task.Description = Markup.Escape($"{p.Target}: {p.Last.Assertion.Id} {p.Last.Outcome}");
                });
                var report = await ConformanceRunner.RunAsync(targets, selection, progress, cancellationToken: ct);
                task.StopTask();
                return report;
            });
    }

    private static async Task WriteFileAsync(string? path, Func<string> content)
    {
        if (path is null) return;
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } dir) Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(full, content(), new UTF8Encoding(false));
    }

    /// <summary>The console summary: counts, then each failure with its level, id and message (stdout, for people and logs).</summary>
    private async Task WriteSummaryAsync(ConformanceReport report)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = showProgress ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = showProgress ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = Math.Max(console.Profile.Width, 120);
        var s = report.Summary;
        var table = new Table().AddColumns("Level", "Id", "Result", "Message");
        foreach (var r in report.Results.Where(r => r.Outcome == Outcome.Failed).OrderBy(r => r.Assertion.Level))
            table.AddRow(r.Assertion.Level.ToString().ToUpperInvariant(), Markup.Escape(r.Assertion.Id), "[red]FAIL[/]", Markup.Escape(Shorten(r.Message ?? "", 200)));
        if (table.Rows.Count > 0) console.Write(table);
        console.MarkupLine(CultureInfo.InvariantCulture, "{0}: {1} assertions, {2} passed, {3} failed ({4} MUST, {5} SHOULD), {6} skipped",
            s.Conformant ? "[green]CONFORMANT[/]" : "[red]NOT CONFORMANT[/]", s.Total, s.Passed, s.Failed, s.MustFailed, s.ShouldFailed, s.Skipped);
        await output.FlushAsync();
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";

    // ---- rest ----------------------------------------------------------------------------------------------------

    private Command RestCommand()
    {
        var baseUrl = new Option<string>("--base-url") { Description = "The Rostering service base, e.g. https://vendor.example/ims/oneroster/rostering/v1p2.", Required = true };
        var tokenUrl = new Option<string>("--token-url") { Description = "The OAuth 2.0 token endpoint (client credentials).", Required = true };
        var clientId = new Option<string>("--client-id") { Description = "The client id the vendor issued to the board.", Required = true };
        var clientSecret = new Option<string?>("--client-secret") { Description = $"The client secret. Prefer the environment variable {SecretVariable}: arguments are visible to other users of the machine." };
        var tokenAuth = new Option<string>("--token-auth") { Description = "Client authentication at the token endpoint: basic (HTTP Basic, default) or post (form fields).", DefaultValueFactory = _ => "basic" };
        tokenAuth.AcceptOnlyFromAmong("basic", "post");
        var scopes = new Option<string[]>("--scope") { Description = "Scopes to request (repeatable). Default: roster, roster-core, roster-demographics, resource, gradebook and assessment reads." };
        var profile = new Option<string?>("--profile") { Description = "jp: also check the Japan Profile rules on the returned data." };
        profile.AcceptOnlyFromAmong("jp", "oneroster-1.2");
        var oas = new Option<string[]>("--oas") { Description = "An official 1EdTech OpenAPI file (JSON/YAML) to validate against as well (repeatable)." };
        var resourcesUrl = new Option<string?>("--resources-url") { Description = "The Resources service base (default: derived from --base-url)." };
        var gradebookUrl = new Option<string?>("--gradebook-url") { Description = "The Gradebook service base (default: derived from --base-url)." };
        var noResources = new Option<bool>("--no-resources") { Description = "Do not test the Resources service." };
        var noGradebook = new Option<bool>("--no-gradebook") { Description = "Do not test the Gradebook service." };
        var collections = new Option<string[]>("--collection") { Description = "Collections whose paging/sort/filter semantics are checked (default: users, enrollments, classes). Repeatable." };
        var maxRecords = new Option<int>("--max-records") { Description = "Most records read per collection (default 5000).", DefaultValueFactory = _ => 5000 };
        var reports = ReportOptions.Create();
        var command = new Command("rest", "Checks a OneRoster 1.2 REST provider (only reads; never writes). Exit code 0 conformant, 1 a MUST failed, 2 usage.")
        {
            baseUrl, tokenUrl, clientId, clientSecret, tokenAuth, scopes, profile, oas, resourcesUrl, gradebookUrl, noResources, noGradebook, collections, maxRecords,
        };
        reports.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var secret = parse.GetValue(clientSecret) ?? Environment(SecretVariable)
                ?? throw new UsageException($"Give the client secret in the environment variable {SecretVariable} (or --client-secret).");
            foreach (var file in parse.GetValue(oas) ?? [])
                if (!File.Exists(file)) throw new UsageException("--oas: no such file " + file);
            var options = new RestTargetOptions
            {
                BaseUrl = Url(parse.GetRequiredValue(baseUrl), "--base-url"),
                TokenUrl = Url(parse.GetRequiredValue(tokenUrl), "--token-url"),
                ClientId = parse.GetRequiredValue(clientId),
                ClientSecret = secret,
                TokenAuthentication = parse.GetValue(tokenAuth) == "post" ? TokenClientAuthentication.Post : TokenClientAuthentication.Basic,
                Scopes = parse.GetValue(scopes) is { Length: > 0 } s ? s : null,
                JapanProfile = parse.GetValue(profile) == "jp",
                OasFiles = parse.GetValue(oas) ?? [],
                ResourcesUrl = parse.GetValue(resourcesUrl) is { } r ? Url(r, "--resources-url") : null,
                GradebookUrl = parse.GetValue(gradebookUrl) is { } g ? Url(g, "--gradebook-url") : null,
                IncludeResources = !parse.GetValue(noResources),
                IncludeGradebook = !parse.GetValue(noGradebook),
                SemanticCollections = parse.GetValue(collections) is { Length: > 0 } c ? c : ["users", "enrollments", "classes"],
                MaxRecords = parse.GetValue(maxRecords) is var m and > 0 ? m : throw new UsageException("--max-records must be positive."),
                Handler = Handler,
            };
            return await RunTargetAsync(new OneRosterRestTarget(options), reports.Selection(parse, ConformanceTargets.OneRosterRest), parse, reports, ct);
        });
        return command;
    }

    private static Uri Url(string text, string option) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new UsageException($"{option} must be an absolute http(s) URL: '{text}'.");

    // ---- csv -----------------------------------------------------------------------------------------------------

    private Command CsvCommand()
    {
        var package = new Argument<string>("package") { Description = "The package: a .zip or a folder with manifest.csv." };
        var profile = new Option<string>("--profile") { Description = "Profile: " + string.Join(", ", OneRosterProfiles.All.Select(p => p.Id)) + ".", Required = true };
        var encoding = new Option<string?>("--encoding") { Description = "utf-8 (default) or shift_jis." };
        encoding.AcceptOnlyFromAmong("utf-8", "shift_jis");
        var reports = ReportOptions.Create();
        var command = new Command("csv", "Checks a OneRoster CSV package with the hub's validator. Exit code 0 conformant, 1 a MUST failed, 2 usage.") { package, profile, encoding };
        reports.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(package);
            if (!File.Exists(path) && !Directory.Exists(path)) throw new UsageException("No such package: " + path);
            var definition = OneRosterProfiles.Find(parse.GetRequiredValue(profile))
                ?? throw new UsageException("Unknown profile. Profiles: " + string.Join(", ", OneRosterProfiles.All.Select(p => p.Id)));
            Encoding? sourceEncoding = null;
            if (parse.GetValue(encoding) == "shift_jis")
            {
                Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
                sourceEncoding = Encoding.GetEncoding(932);
            }
            var target = new OneRosterCsvTarget(new CsvTargetOptions { Path = path, Profile = definition, SourceEncoding = sourceEncoding });
            return await RunTargetAsync(target, reports.Selection(parse, ConformanceTargets.OneRosterCsv), parse, reports, ct);
        });
        return command;
    }

    // ---- xapi ----------------------------------------------------------------------------------------------------

    private Command XapiCommand()
    {
        var endpoint = new Option<string>("--endpoint") { Description = "The LRS endpoint, e.g. https://lrs.example/xapi/ (statements, about, … are relative to it).", Required = true };
        var username = new Option<string>("--username") { Description = "HTTP Basic user name (the LRS credential's key).", Required = true };
        var password = new Option<string?>("--password") { Description = $"HTTP Basic password. Prefer the environment variable {XapiPasswordVariable}: arguments are visible to other users of the machine." };
        var version = new Option<string>("--version") { Description = "xAPI version to test: 1.0.3, 2.0.0 or both (default 1.0.3).", DefaultValueFactory = _ => "1.0.3" };
        version.AcceptOnlyFromAmong("1.0.3", "2.0.0", "both");
        var ns = new Option<string?>("--namespace") { Description = "IRI namespace for the run's Activities, verbs and documents (default https://conformance.koumu.example/xapi/)." };
        var reports = ReportOptions.Create();
        var command = new Command("xapi", "Checks an xAPI LRS (1.0.3 and/or 2.0). It WRITES test Statements and documents under a run-specific namespace: use a test store. Exit code 0 conformant, 1 a MUST failed, 2 usage.")
        {
            endpoint, username, password, version, ns,
        };
        reports.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var secret = parse.GetValue(password) ?? Environment(XapiPasswordVariable)
                ?? throw new UsageException($"Give the LRS password in the environment variable {XapiPasswordVariable} (or --password).");
            var versions = parse.GetValue(version) switch
            {
                "both" => new[] { XapiVersion.V103, XapiVersion.V200 },
                "2.0.0" => [XapiVersion.V200],
                _ => [XapiVersion.V103],
            };
            var options = new XapiTargetOptions
            {
                Endpoint = Url(parse.GetRequiredValue(endpoint), "--endpoint"),
                Username = parse.GetRequiredValue(username),
                Password = secret,
                Namespace = parse.GetValue(ns) is { } n ? Url(n, "--namespace") : new Uri("https://conformance.koumu.example/xapi/"),
                Handler = Handler,
            };
            IConformanceTarget[] targets = [.. versions.Select(v => new XapiLrsTarget(options with { Version = v }))];
            return await RunTargetsAsync(targets, reports.Selection(parse, ConformanceTargets.XapiLrs), parse, reports, ct);
        });
        return command;
    }

    // ---- list ----------------------------------------------------------------------------------------------------

    private Command ListCommand()
    {
        var target = new Option<string?>("--target") { Description = "oneroster-rest, oneroster-csv or xapi-lrs (default: all)." };
        target.AcceptOnlyFromAmong(ConformanceTargets.OneRosterRest, ConformanceTargets.OneRosterCsv, ConformanceTargets.XapiLrs);
        var format = new Option<string>("--format") { Description = "text or markdown (the table in docs/conformance.md).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown");
        var command = new Command("list", "Lists the assertion catalogue: id, section, level, description.") { target, format };
        command.SetAction(async parse =>
        {
            var catalogue = ConformanceCatalogue.All.Where(a => parse.GetValue(target) is not { } t || a.Target == t);
            if (parse.GetValue(format) == "markdown") await output.WriteAsync(ConformanceCatalogue.Markdown(catalogue));
            else
                foreach (var a in catalogue)
                    await output.WriteLineAsync($"{a.Id}\t{a.Target}\t{a.Section}\t{a.Level.ToString().ToUpperInvariant()}\t{a.DescriptionEn}");
            return ExitCodes.Conformant;
        });
        return command;
    }
}

/// <summary>A usage error: printed without a stack trace, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
