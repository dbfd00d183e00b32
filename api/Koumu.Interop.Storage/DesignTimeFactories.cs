using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Koumu.Interop.Storage;

/// <summary>Lets `dotnet ef migrations add` build each provider's context (no database is contacted).</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteKoumuDbContext>
{
    public SqliteKoumuDbContext CreateDbContext(string[] args) =>
        (SqliteKoumuDbContext)StorageContexts.Create(new StorageOptions(DatabaseProvider.Sqlite, "Data Source=design-time.db"));
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresKoumuDbContext>
{
    public PostgresKoumuDbContext CreateDbContext(string[] args) =>
        (PostgresKoumuDbContext)StorageContexts.Create(new StorageOptions(DatabaseProvider.Postgres, "Host=localhost;Database=design_time"));
}

public static class StorageContexts
{
    public static KoumuDbContext Create(StorageOptions options) => options.Provider switch
    {
        DatabaseProvider.Sqlite => new SqliteKoumuDbContext(new DbContextOptionsBuilder<SqliteKoumuDbContext>()
            .UseSqlite(options.ConnectionString).Options),
        DatabaseProvider.Postgres => new PostgresKoumuDbContext(new DbContextOptionsBuilder<PostgresKoumuDbContext>()
            .UseNpgsql(options.ConnectionString).Options),
        _ => throw new ArgumentOutOfRangeException(nameof(options)),
    };
}
