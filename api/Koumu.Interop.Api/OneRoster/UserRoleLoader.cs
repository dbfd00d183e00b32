using System.Data.Common;
using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Schemas.Validation;
using Koumu.Interop.Storage;

namespace Koumu.Interop.Api.OneRoster;

/// <summary>
/// A page of users needs their roles.csv and userProfiles.csv rows (OAS-R UserDType.roles, userProfiles). They are read
/// for the whole page with one query per table (never one per user), active rows only (the mapper leaves tobedeleted
/// roles out anyway). A confined client sees only the roles at orgs it may see.
/// </summary>
internal static class UserRoleLoader
{
    public static async Task<(List<CsvRecord> Roles, List<CsvRecord> Profiles)> LoadAsync(DbConnection connection, DatabaseProvider provider,
        int tenantId, IReadOnlyList<string> userIds, ClientConfinement confinement, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0) return ([], []);
        var roles = await ReadAsync(connection, provider, CsvBinding.Roles, tenantId, userIds, confinement.Orgs, cancellationToken);
        var profiles = await ReadAsync(connection, provider, CsvBinding.UserProfiles, tenantId, userIds, null, cancellationToken);
        return (roles, profiles);
    }

    private static async Task<List<CsvRecord>> ReadAsync(DbConnection connection, DatabaseProvider provider, CsvFileDefinition file,
        int tenantId, IReadOnlyList<string> userIds, IReadOnlyList<string>? orgs, CancellationToken cancellationToken)
    {
        var rows = new List<CsvRecord>();
        if (orgs is { Count: 0 }) return rows;
        await using var command = connection.CreateCommand();
        var columns = file.Columns;
        var users = Sql.In(command, "u", userIds, provider);
        var orgCondition = orgs is null ? "" : $" AND t.{file.Column("orgSourcedId").SqlName} {Sql.In(command, "o", orgs, provider)}";
        command.CommandText =
            $"SELECT {string.Join(", ", columns.Select(c => "t." + c.SqlName))}, t.metadata FROM {file.StorageName} t " +
            $"WHERE t.tenant_id = @tenant AND t.status = 'active' AND t.{file.Column("userSourcedId").SqlName} {users}{orgCondition} ORDER BY t.sourced_id";
        Sql.Add(command, "tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken)) rows.Add(StoredRecords.ReadRecord(reader, file, columns));
        return rows;
    }
}
