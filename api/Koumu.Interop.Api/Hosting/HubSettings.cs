using Koumu.Interop.Storage;

namespace Koumu.Interop.Api.Hosting;

/// <summary>
/// The hub's configuration, read once at start from the <c>Koumu</c> section (appsettings, environment variables
/// <c>Koumu__Database__Provider</c>, command line <c>--Koumu:Database:Provider=postgres</c>).
/// </summary>
public sealed record HubSettings
{
    /// <summary>Folder for the embedded database, the signing keys and nothing else (<c>Koumu:DataDirectory</c>, default <c>data</c> under the content root).</summary>
    public required string DataDirectory { get; init; }

    public required StorageOptions Storage { get; init; }

    /// <summary>
    /// Demo mode seeds an empty store and prints a fresh <c>demo-admin</c> credential on every start.
    /// On by default only for the embedded SQLite database (no connection string configured); <c>Koumu:Demo:Enabled</c> overrides.
    /// </summary>
    public required bool DemoEnabled { get; init; }

    public required string SigningKeyPath { get; init; }

    public required string EncryptionKeyPath { get; init; }

    public required TimeSpan AccessTokenLifetime { get; init; }

    /// <summary>
    /// OAuth 2.0 requires TLS on the token endpoint (RFC 6749 §3.2). The embedded demo listens on plain http://localhost,
    /// so only demo mode relaxes it by default; a production hub terminates TLS itself or behind a proxy.
    /// </summary>
    public required bool RequireHttps { get; init; }

    /// <summary>Largest accepted upload, in bytes (<c>Koumu:Imports:MaxUploadBytes</c>, default 2 GiB); larger bodies get 413.</summary>
    public required long MaxUploadBytes { get; init; }

    /// <summary>Where uploads wait for the import worker (<c>Koumu:Imports:TempDirectory</c>, default the system temp folder).</summary>
    public required string UploadDirectory { get; init; }

    /// <summary>How many tenants may import at the same time (<c>Koumu:Imports:MaxConcurrentTenants</c>, default 2). One tenant never runs two imports at once.</summary>
    public required int MaxConcurrentImports { get; init; }

    /// <summary>
    /// The hub's public address (<c>Koumu:PublicBaseUrl</c>, e.g. <c>https://koumu.example.ed.jp</c>) for the <c>href</c> of
    /// every GUIDRef and the RFC 8288 <c>Link</c> headers. Unset, they follow the request's scheme and Host header — fine
    /// behind a trusted proxy, but a production hub should set it so a forged Host header cannot put foreign URLs into
    /// responses (or caches).
    /// </summary>
    public Uri? PublicBaseUrl { get; init; }

    public static HubSettings From(IConfiguration configuration, string contentRoot)
    {
        var section = configuration.GetSection("Koumu");
        var dataDirectory = Path.GetFullPath(section["DataDirectory"] is { Length: > 0 } d ? d : "data", contentRoot);

        var providerText = section["Database:Provider"] is { Length: > 0 } p ? p : "sqlite";
        var provider = providerText.ToUpperInvariant() switch
        {
            "SQLITE" => DatabaseProvider.Sqlite,
            "POSTGRES" or "POSTGRESQL" => DatabaseProvider.Postgres,
            _ => throw new InvalidOperationException($"Koumu:Database:Provider must be 'sqlite' or 'postgres', not '{providerText}'."),
        };
        var connectionString = section["Database:ConnectionString"];
        var embedded = string.IsNullOrWhiteSpace(connectionString);
        if (embedded && provider == DatabaseProvider.Postgres)
            throw new InvalidOperationException("Koumu:Database:ConnectionString is required when Koumu:Database:Provider is 'postgres'.");
        var storage = embedded ? StorageOptions.EmbeddedDefault(dataDirectory) : new StorageOptions(provider, connectionString!);

        var demo = section.GetValue<bool?>("Demo:Enabled") ?? (embedded && provider == DatabaseProvider.Sqlite);
        var keyFolder = Path.Combine(dataDirectory, "keys");
        var signingKeyPath = section["Auth:SigningKeyPath"] is { Length: > 0 } s ? Path.GetFullPath(s, contentRoot) : Path.Combine(keyFolder, "signing.pem");
        var encryptionKeyPath = section["Auth:EncryptionKeyPath"] is { Length: > 0 } e
            ? Path.GetFullPath(e, contentRoot)
            : Path.Combine(Path.GetDirectoryName(signingKeyPath)!, "encryption.pem");

        var maxUpload = section.GetValue<long?>("Imports:MaxUploadBytes") ?? 2L * 1024 * 1024 * 1024;
        if (maxUpload <= 0) throw new InvalidOperationException("Koumu:Imports:MaxUploadBytes must be positive.");
        var concurrent = section.GetValue<int?>("Imports:MaxConcurrentTenants") ?? 2;
        if (concurrent <= 0) throw new InvalidOperationException("Koumu:Imports:MaxConcurrentTenants must be positive.");
        var lifetime = section.GetValue<int?>("Auth:AccessTokenLifetimeMinutes") ?? 60;
        if (lifetime <= 0) throw new InvalidOperationException("Koumu:Auth:AccessTokenLifetimeMinutes must be positive.");

        Uri? publicBaseUrl = null;
        if (section["PublicBaseUrl"] is { Length: > 0 } u)
        {
            if (!Uri.TryCreate(u.TrimEnd('/'), UriKind.Absolute, out publicBaseUrl) || publicBaseUrl.Scheme is not ("http" or "https")
                || publicBaseUrl.Query.Length > 0 || publicBaseUrl.Fragment.Length > 0)
                throw new InvalidOperationException($"Koumu:PublicBaseUrl must be an absolute http(s) URL without query or fragment, not '{u}'.");
        }

        return new HubSettings
        {
            PublicBaseUrl = publicBaseUrl,
            DataDirectory = dataDirectory,
            Storage = storage,
            DemoEnabled = demo,
            SigningKeyPath = signingKeyPath,
            EncryptionKeyPath = encryptionKeyPath,
            AccessTokenLifetime = TimeSpan.FromMinutes(lifetime),
            RequireHttps = section.GetValue<bool?>("Auth:RequireHttps") ?? !demo,
            MaxUploadBytes = maxUpload,
            UploadDirectory = section["Imports:TempDirectory"] is { Length: > 0 } t
                ? Path.GetFullPath(t, contentRoot)
                : Path.Combine(Path.GetTempPath(), "koumu-uploads"),
            MaxConcurrentImports = concurrent,
        };
    }
}
