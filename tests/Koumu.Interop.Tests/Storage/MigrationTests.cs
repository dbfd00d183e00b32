using Koumu.Interop.Schemas.Csv;
using Koumu.Interop.Storage;
using Microsoft.EntityFrameworkCore;

namespace Koumu.Interop.Tests.Storage;

/// <summary>Each provider's migrations match the model built from the CSV binding.</summary>
public sealed class MigrationTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public void Migrations_are_up_to_date_with_the_model(DatabaseProvider provider)
    {
        using var db = StorageContexts.Create(new StorageOptions(provider, provider == DatabaseProvider.Sqlite ? "Data Source=:memory:" : "Host=unused"));
        Assert.False(db.Database.HasPendingModelChanges(), $"run dotnet ef migrations add for {provider}");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Every_csv_file_has_a_table_with_one_column_per_csv_column()
    {
        using var db = StorageContexts.Create(new StorageOptions(DatabaseProvider.Sqlite, "Data Source=:memory:"));
        foreach (var file in CsvBinding.Files)
        {
            var entity = db.Model.FindEntityType(file.StorageName);
            Assert.NotNull(entity);
            var columns = entity.GetProperties().Select(p => p.GetColumnName()).ToHashSet();
            foreach (var column in file.Columns) Assert.Contains(column.StorageName, columns);
            Assert.Contains("tenant_id", columns);
            Assert.Contains("metadata", columns);
        }
    }
}
