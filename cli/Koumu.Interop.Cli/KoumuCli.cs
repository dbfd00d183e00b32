using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Koumu.Interop.Api.Demo;
using Koumu.Interop.Schemas.Packages;
using Koumu.Interop.Schemas.Profiles;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;

namespace Koumu.Interop.Cli;

/// <summary>
/// The <c>koumu</c> command line: validate, import, export and seed OneRoster CSV packages. Everything it prints goes to
/// the writers it is given and everything it decides is the returned exit code (<see cref="ExitCodes"/>), so tests run
/// it in-process exactly as a shell would.
/// </summary>
public sealed partial class KoumuCli(TextWriter output, TextWriter error, bool showProgress = false)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        // The output is read by people and scripts, not embedded in HTML: keep Japanese messages readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly ProgressDisplay _progress = new(error, showProgress);

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        var root = BuildCommands();
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) await error.WriteLineAsync(e.Message);
            await error.WriteLineAsync("Run 'koumu --help' for usage.");
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("Cannot read or write: " + e.Message);
            return ExitCodes.Usage;
        }
    }

    private RootCommand BuildCommands()
    {
        var root = new RootCommand("Koumu Interop: OneRoster 1.2 CSV packages (Japan profiles) — validate, import, export.");
        root.Add(ValidateCommand());
        root.Add(ImportCommand());
        root.Add(ExportCommand());
        root.Add(SeedCommand());
        return root;
    }

    // ---- validate -------------------------------------------------------------------------------------------------

    private Command ValidateCommand()
    {
        var package = new Argument<string>("package") { Description = "The package: a .zip or a folder with manifest.csv." };
        var profile = ProfileOption(required: true);
        var encoding = EncodingOption();
        var format = new Option<string>("--format") { Description = "text (one line per problem) or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("validate", "Validates a package without any database. Exit code 0 valid, 1 errors, 2 usage or unreadable.")
        {
            package, profile, encoding, format,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(package);
            var options = new ProcessingOptions
            {
                Profile = Profile(parse.GetRequiredValue(profile)),
                SourceEncoding = Encoding(parse.GetValue(encoding)),
            };
            var result = await _progress.RunAsync("Validating", async progress =>
            {
                var withProgress = new ProcessingOptions { Profile = options.Profile, SourceEncoding = options.SourceEncoding, Progress = progress };
                var (source, rejected) = OpenPackage(path);
                if (source is null) return rejected!;
                using (source) return await PackageProcessor.ProcessAsync(source, withProgress, sink: null, store: null, ct);
            });
            if (parse.GetValue(format) == "json") await WriteJsonAsync(path, options.Profile, result, committed: null);
            else await WriteTextAsync(path, options.Profile, result, committed: null);
            return result.Accepted ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        return command;
    }

    // ---- import ---------------------------------------------------------------------------------------------------

    private Command ImportCommand()
    {
        var package = new Argument<string>("package") { Description = "The package: a .zip or a folder with manifest.csv." };
        var tenant = TenantOption(required: true);
        var profile = ProfileOption(required: true);
        var encoding = EncodingOption();
        var (db, connection) = DatabaseOptions();
        var command = new Command("import", "Validates a package and stores it in the tenant, all or nothing. Exit code 0 stored, 1 rejected, 2 usage.")
        {
            package, tenant, profile, encoding, db, connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetRequiredValue(package);
            var code = Tenant(parse.GetRequiredValue(tenant));
            var definition = Profile(parse.GetRequiredValue(profile));
            var sourceEncoding = Encoding(parse.GetValue(encoding));
            var store = await OpenStoreAsync(parse.GetValue(db), parse.GetValue(connection), ct);
            var tenantId = await store.EnsureTenantAsync(code, code, ct);
            var (result, committed) = await _progress.RunAsync("Importing", async progress =>
            {
                var (source, rejected) = OpenPackage(path);
                if (source is null) return (rejected!, false);
                using (source)
                {
                    var outcome = await store.ImportAsync(tenantId, source, new ProcessingOptions { Profile = definition, SourceEncoding = sourceEncoding, Progress = progress }, ct);
                    return (outcome.Result, outcome.Committed);
                }
            });
            await WriteTextAsync(path, definition, result, committed);
            return committed ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        return command;
    }

    // ---- export ---------------------------------------------------------------------------------------------------

    private Command ExportCommand()
    {
        var file = new Argument<string>("out.zip") { Description = "The zip file to write (replaced if it exists)." };
        var tenant = TenantOption(required: true);
        var profile = ProfileOption(required: false);
        var mode = new Option<string>("--mode") { Description = "bulk (everything) or delta (changes since --since).", DefaultValueFactory = _ => "bulk" };
        mode.AcceptOnlyFromAmong("bulk", "delta");
        var since = new Option<string?>("--since") { Description = "Delta exports: ISO 8601 instant (e.g. 2026-04-01T00:00:00Z)." };
        var quoteAll = new Option<bool>("--quote-all") { Description = "Quote every value (some Japanese importers require it)." };
        var usersLayout = new Option<string?>("--users-layout") { Description = "users.csv layout: 1.2 (with resourceSourcedIds) or 1.2.1. Default: the profile's." };
        usersLayout.AcceptOnlyFromAmong("1.2", "1.2.1");
        var (db, connection) = DatabaseOptions();
        var command = new Command("export", "Writes the tenant's roster as a OneRoster CSV package (zip).")
        {
            file, tenant, profile, mode, since, quoteAll, usersLayout, db, connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            var path = Path.GetFullPath(parse.GetRequiredValue(file));
            var code = Tenant(parse.GetRequiredValue(tenant));
            var delta = parse.GetValue(mode) == "delta";
            var sinceText = parse.GetValue(since);
            DateTime? sinceUtc = null;
            if (sinceText is not null)
            {
                if (!delta) throw new UsageException("--since applies to delta exports only (--mode delta).");
                if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    throw new UsageException($"--since is not an ISO 8601 date-time: '{sinceText}'.");
                sinceUtc = parsed.UtcDateTime;
            }
            else if (delta)
            {
                throw new UsageException("A delta export needs --since.");
            }
            var options = new ExportOptions
            {
                Profile = parse.GetValue(profile) is { } p ? Profile(p) : OneRosterProfiles.Base,
                Delta = delta,
                Since = sinceUtc,
                QuoteAll = parse.GetValue(quoteAll),
                UsersLayout12 = parse.GetValue(usersLayout) switch { "1.2" => true, "1.2.1" => false, _ => null },
            };
            var store = await OpenStoreAsync(parse.GetValue(db), parse.GetValue(connection), ct);
            var tenantId = await store.FindTenantAsync(code, ct) ?? throw new UsageException($"There is no tenant '{code}'.");

            // Written next to the target and moved into place: a failed export never leaves a zip that looks complete.
            var partial = path + ".partial";
            try
            {
                await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
                    await store.ExportAsync(tenantId, options, stream, ct);
                File.Move(partial, path, overwrite: true);
            }
            finally
            {
                File.Delete(partial);
            }
            await output.WriteLineAsync($"Exported tenant {code} ({options.Profile.Id}, {(delta ? "delta" : "bulk")}) to {path}");
            return ExitCodes.Ok;
        });
        return command;
    }

    // ---- seed -----------------------------------------------------------------------------------------------------

    private Command SeedCommand()
    {
        var pupils = new Option<int?>("--pupils") { Description = "How many pupils the demo roster has (default: the generator's demo size)." };
        pupils.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 2_000_000) r.AddError("--pupils is between 1 and 2,000,000.");
        });
        var tenant = TenantOption(required: false);
        var (db, connection) = DatabaseOptions();
        var command = new Command("seed", "Fills a tenant (default: demo) with the synthetic demo roster, through the normal import.")
        {
            pupils, tenant, db, connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            var code = Tenant(parse.GetValue(tenant) ?? DemoSeeder.Tenant);
            var store = await OpenStoreAsync(parse.GetValue(db), parse.GetValue(connection), ct);
            var outcome = await _progress.RunAsync("Seeding", progress => DemoSeeder.SeedAsync(store, code, parse.GetValue(pupils), progress, ct));
            await WriteTextAsync("demo package", OneRosterProfiles.JapanV121, outcome.Result, outcome.Committed);
            return outcome.Committed ? ExitCodes.Ok : ExitCodes.Invalid;
        });
        return command;
    }

    // ---- shared options and helpers -------------------------------------------------------------------------------

    private static Option<string> ProfileOption(bool required) => new("--profile")
    {
        Description = "Profile id: " + string.Join(", ", OneRosterProfiles.All.Select(p => p.Id)) + ".",
        Required = required,
    };

    private static Option<string?> EncodingOption() => new("--encoding")
    {
        Description = "utf-8 (default, with or without BOM) or shift_jis (CP932).",
    };

    private static Option<string> TenantOption(bool required) => new("--tenant")
    {
        Description = "Tenant code (one board of education).",
        Required = required,
    };

    private static (Option<string?> Db, Option<string?> Connection) DatabaseOptions()
    {
        var db = new Option<string?>("--db") { Description = "sqlite or postgres (default: $Koumu__Database__Provider, else sqlite)." };
        db.AcceptOnlyFromAmong("sqlite", "postgres");
        var connection = new Option<string?>("--connection")
        {
            Description = "Connection string (default: $Koumu__Database__ConnectionString, else the SQLite file data/koumu.db).",
        };
        return (db, connection);
    }

    /// <summary>Same configuration names as the host, so one environment serves both.</summary>
    private static async Task<RosterStore> OpenStoreAsync(string? db, string? connection, CancellationToken cancellationToken)
    {
        db ??= Environment.GetEnvironmentVariable("Koumu__Database__Provider") ?? "sqlite";
        connection ??= Environment.GetEnvironmentVariable("Koumu__Database__ConnectionString");
        StorageOptions options;
        switch (db.ToUpperInvariant())
        {
            case "SQLITE":
                if (string.IsNullOrWhiteSpace(connection))
                {
                    var data = Path.GetFullPath("data");
                    Directory.CreateDirectory(data);
                    options = StorageOptions.EmbeddedDefault(data);
                }
                else
                {
                    options = new StorageOptions(DatabaseProvider.Sqlite, connection);
                }
                break;
            case "POSTGRES" or "POSTGRESQL":
                if (string.IsNullOrWhiteSpace(connection)) throw new UsageException("--db postgres needs --connection.");
                options = new StorageOptions(DatabaseProvider.Postgres, connection);
                break;
            default:
                throw new UsageException($"Unknown database '{db}': use sqlite or postgres.");
        }
        var store = new RosterStore(options);
        await store.MigrateAsync(cancellationToken);
        return store;
    }

    /// <summary>
    /// Opens a zip or folder. A missing path is a usage error (exit 2); a file that is not a safe zip is an invalid package
    /// (its problem, e.g. <c>package.not_a_zip</c>, is reported like any other).
    /// </summary>
    private static (IPackageSource? Source, ProcessingResult? Rejected) OpenPackage(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UsageException($"No such file or folder: {path}");
        try
        {
            return (PackageSource.Open(path), null);
        }
        catch (PackageRejectedException e)
        {
            return (null, new ProcessingResult
            {
                Manifest = null,
                Problems = [e.Problem],
                ErrorCount = e.Problem.Severity == Severity.Error ? 1 : 0,
                WarningCount = e.Problem.Severity == Severity.Error ? 0 : 1,
                Files = [],
            });
        }
    }

    private static ProfileDefinition Profile(string id) =>
        OneRosterProfiles.Find(id) ?? throw new UsageException(
            $"Unknown profile '{id}'. Known profiles: {string.Join(", ", OneRosterProfiles.All.Select(p => p.Id))}.");

    private static System.Text.Encoding? Encoding(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        null or "" or "UTF-8" or "UTF8" => null,
        "SHIFT_JIS" or "SHIFT-JIS" or "SJIS" or "CP932" or "WINDOWS-31J" => ShiftJis.Encoding,
        _ => throw new UsageException($"Unknown encoding '{name}': use utf-8 or shift_jis."),
    };

    private static string Tenant(string code) =>
        TenantCode().IsMatch(code) ? code : throw new UsageException("A tenant code is 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex TenantCode();

    private async Task WriteTextAsync(string package, ProfileDefinition profile, ProcessingResult result, bool? committed)
    {
        foreach (var problem in result.Problems) await output.WriteLineAsync(problem.ToString());
        var shown = result.Problems.Count;
        var total = result.ErrorCount + result.WarningCount;
        if (total > shown) await output.WriteLineAsync($"… {total - shown} more problems counted but not listed (limit {shown}).");
        var verdict = committed switch
        {
            true => "stored",
            false when result.Accepted => "valid but not stored",
            false => "rejected, nothing stored",
            null => result.Accepted ? "valid" : "invalid",
        };
        await output.WriteLineAsync(
            $"{package}: {verdict} — profile {profile.Id}, {result.ErrorCount} errors, {result.WarningCount} warnings" +
            (result.Files.Count > 0 ? $", {result.Files.Sum(f => f.Rows)} rows in {result.Files.Count} files" : "") + ".");
    }

    private async Task WriteJsonAsync(string package, ProfileDefinition profile, ProcessingResult result, bool? committed)
    {
        var document = new
        {
            package,
            profile = profile.Id,
            valid = result.Accepted,
            committed,
            errorCount = result.ErrorCount,
            warningCount = result.WarningCount,
            files = result.Files.Select(f => new { file = f.File, mode = f.Mode.ToString().ToLowerInvariant(), rows = f.Rows, deletions = f.Deletions, layout = f.Layout }),
            problems = result.Problems.Select(p => new
            {
                file = p.File,
                line = p.Line,
                column = p.Column,
                ruleId = p.RuleId,
                severity = p.Severity == Severity.Error ? "error" : "warning",
                messageEn = p.MessageEn,
                messageJa = p.MessageJa,
                value = p.Value,
            }),
        };
        await output.WriteLineAsync(JsonSerializer.Serialize(document, Json));
    }

    /// <summary>Wrong usage discovered after parsing (unknown profile, tenant, encoding): exit code 2.</summary>
    private sealed class UsageException(string message) : Exception(message);
}
