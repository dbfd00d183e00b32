using System.Data.Common;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>
/// A page of users needs their roles.csv and userProfiles.csv rows (OAS-R UserDType.roles, userProfiles). They are read
/// for the whole page in ONE round trip (one statement per table, sent together; never one per user), active rows only
/// (the mapper leaves tobedeleted roles out anyway). A confined client sees only the roles at orgs it may see.
/// </summary>
internal static class UserRoleLoader
{
    public static async Task<(List<CsvRecord> Roles, List<CsvRecord> Profiles)> LoadAsync(DbConnection connection, DatabaseProvider provider,
        int tenantId, IReadOnlyList<string> userIds, ClientConfinement confinement, CancellationToken cancellationToken)
    {
        List<CsvRecord> roles = [], profiles = [];
        if (userIds.Count == 0) return (roles, profiles);
        var orgs = confinement.Orgs;
        await using var command = connection.CreateCommand();
        var users = Sql.In(command, "u", userIds, provider);
        Sql.Add(command, "tenant", tenantId);
        // A client confined to no org sees no roles: that statement is left out rather than sent with an empty list.
        var readRoles = orgs is not { Count: 0 };
        var orgCondition = orgs is null || !readRoles ? "" : $" AND t.{CsvBinding.Roles.Column("orgSourcedId").SqlName} {Sql.In(command, "o", orgs, provider)}";
        var statements = new List<string>(2);
        if (readRoles) statements.Add(Select(CsvBinding.Roles, users, orgCondition));
        statements.Add(Select(CsvBinding.UserProfiles, users, ""));
        command.CommandText = string.Join("; ", statements);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (readRoles)
        {
            await ReadAsync(reader, CsvBinding.Roles, roles, cancellationToken);
            await reader.NextResultAsync(cancellationToken);
        }
        await ReadAsync(reader, CsvBinding.UserProfiles, profiles, cancellationToken);
        return (roles, profiles);
    }

    private static string Select(CsvFileDefinition file, string users, string extraCondition) =>
        $"SELECT {string.Join(", ", file.Columns.Select(c => "t." + c.SqlName))}, t.metadata FROM {file.StorageName} t " +
        $"WHERE t.tenant_id = @tenant AND t.status = 'active' AND t.{file.Column("userSourcedId").SqlName} {users}{extraCondition} ORDER BY t.sourced_id";

    private static async Task ReadAsync(DbDataReader reader, CsvFileDefinition file, List<CsvRecord> rows, CancellationToken cancellationToken)
    {
        while (await reader.ReadAsync(cancellationToken)) rows.Add(StoredRecords.ReadRecord(reader, file, file.Columns));
    }
}
