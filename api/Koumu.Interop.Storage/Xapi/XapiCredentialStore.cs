using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Storage.Xapi;

/// <summary>A credential as the admin API shows it (never with its secret).</summary>
public sealed record XapiCredentialInfo(string Key, string Tenant, string? DisplayName, bool Read, bool Write, DateTime CreatedAt);

/// <summary>A credential the LRS recognised: its tenant and rights.</summary>
public sealed record XapiPrincipal(string Key, int TenantId, string? DisplayName, bool Read, bool Write, string Tenant = "");

/// <summary>
/// HTTP Basic credentials of the LRS (C §4; the ADL conformance suite authenticates with Basic). The secret is 256
/// random bits shown once; only its SHA-256 is stored. A fast hash is enough for a secret with that much entropy (nothing
/// to brute-force), and every Statement request checks it — unlike OAuth client secrets, checked once per token, which
/// OpenIddict hashes with PBKDF2. Comparison is constant-time.
/// </summary>
public sealed class XapiCredentialStore(RosterStore store)
{
    public async Task<(XapiCredentialInfo Info, string Secret)> CreateAsync(string tenantCode, string? displayName, bool read, bool write, CancellationToken cancellationToken)
    {
        var tenantId = await store.EnsureTenantAsync(tenantCode, tenantCode, cancellationToken).ConfigureAwait(false);
        var key = "xapi-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var row = new XapiCredential
        {
            Key = key, TenantId = tenantId, DisplayName = displayName, SecretHash = Hash(secret), CanRead = read, CanWrite = write,
            CreatedAt = DateTime.UtcNow,
        };
        await using var db = store.CreateDbContext();
        db.Set<XapiCredential>().Add(row);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return (new XapiCredentialInfo(key, tenantCode, displayName, read, write, row.CreatedAt), secret);
    }

    /// <summary>Credentials of <paramref name="tenantCode"/>, or of every tenant when null.</summary>
    public async Task<IReadOnlyList<XapiCredentialInfo>> ListAsync(string? tenantCode, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var rows = await (from c in db.Set<XapiCredential>()
                          join t in db.Tenants on c.TenantId equals t.Id
                          where tenantCode == null || t.Code == tenantCode
                          orderby t.Code, c.Key
                          select new XapiCredentialInfo(c.Key, t.Code, c.DisplayName, c.CanRead, c.CanWrite, c.CreatedAt))
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Deletes the credential if it belongs to <paramref name="tenantCode"/> (any tenant when null).</summary>
    public async Task<bool> DeleteAsync(string key, string? tenantCode, CancellationToken cancellationToken)
    {
        await using var db = store.CreateDbContext();
        var row = await (from c in db.Set<XapiCredential>()
                         join t in db.Tenants on c.TenantId equals t.Id
                         where c.Key == key && (tenantCode == null || t.Code == tenantCode)
                         select c).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (row is null) return false;
        db.Remove(row);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The credential for a Basic key and secret, or null (unknown key and wrong secret look the same).</summary>
    /// <remarks>
    /// Every LRS request comes through here, so it is one parameterised SELECT on the open connection rather than an EF
    /// query (a DbContext and its query pipeline per request; docs/benchmarks.md, "xAPI LRS").
    /// </remarks>
    public async Task<XapiPrincipal?> AuthenticateAsync(string key, string secret, CancellationToken cancellationToken)
    {
        if (key.Length is 0 or > 64 || secret.Length > 256) return null;
        XapiPrincipal? found = null;
        byte[]? expected = null;
        await using (var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        await using (var command = XapiDocumentStore.Command(connection, null,
            "SELECT c.key, c.tenant_id, c.display_name, c.can_read, c.can_write, c.secret_hash, t.code " +
            "FROM xapi_credentials c JOIN tenants t ON t.id = c.tenant_id WHERE c.key = @key"))
        {
            XapiDocumentStore.Add(command, "key", key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                found = new XapiPrincipal(reader.GetString(0), reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetBoolean(3), reader.GetBoolean(4), reader.GetString(6));
                expected = (byte[])reader.GetValue(5);
            }
        }
        var matches = CryptographicOperations.FixedTimeEquals(expected ?? new byte[32], Hash(secret));
        return found is not null && matches ? found : null;
    }

    private static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));
}
