using Koumu.Interop.Storage.Xapi;
using Koumu.Interop.Tests.TestSupport;

namespace Koumu.Interop.Tests.Xapi;

/// <summary>HTTP Basic credentials of the LRS (C §4) as the store checks them on every request, on SQLite and PostgreSQL.</summary>
public sealed class CredentialStoreTests
{
    [SkippableTheory, MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Only_the_right_key_and_secret_authenticate_with_the_credentials_tenant_and_rights(string provider)
    {
        await using var db = await TestStore.CreateAsync(provider);
        var credentials = new XapiCredentialStore(db.Store);
        var (info, secret) = await credentials.CreateAsync(db.TenantCode, "ドリルアプリ", read: false, write: true, default);
        var (other, otherSecret) = await credentials.CreateAsync(db.TenantCode, null, read: true, write: false, default);

        var principal = await credentials.AuthenticateAsync(info.Key, secret, default);
        Assert.Equal(new XapiPrincipal(info.Key, db.TenantId, "ドリルアプリ", Read: false, Write: true, db.TenantCode), principal);
        Assert.Equal(new XapiPrincipal(other.Key, db.TenantId, null, Read: true, Write: false, db.TenantCode), await credentials.AuthenticateAsync(other.Key, otherSecret, default));

        Assert.Null(await credentials.AuthenticateAsync(info.Key, otherSecret, default)); // another credential's secret
        Assert.Null(await credentials.AuthenticateAsync(info.Key, secret + "x", default));
        Assert.Null(await credentials.AuthenticateAsync(info.Key, "", default));
        Assert.Null(await credentials.AuthenticateAsync(info.Key.ToUpperInvariant(), secret, default)); // keys are exact
        Assert.Null(await credentials.AuthenticateAsync("xapi-unknown", secret, default));
        Assert.Null(await credentials.AuthenticateAsync(info.Key + "' OR '1'='1", secret, default)); // parameterised
        Assert.Null(await credentials.AuthenticateAsync(new string('k', 65), secret, default)); // oversized key
        Assert.Null(await credentials.AuthenticateAsync(info.Key, new string('s', 257), default)); // oversized secret

        Assert.True(await credentials.DeleteAsync(info.Key, db.TenantCode, default));
        Assert.Null(await credentials.AuthenticateAsync(info.Key, secret, default));
    }
}
