using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TenantDataVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "data_version",
                table: "tenants",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            // OneRoster filter=familyName='…' on users, students and teachers (the 1M REST benchmark's filter case,
            // docs/benchmarks.md): one family name's rows in page order (sourcedId is the tie-break of every sort), so a
            // page is a short range scan and the count reads only that name's index entries. Created here rather than in
            // the model because the model's indexes are generated per reference column from CsvBinding; the import
            // writers find it in the catalog like any other index (dropped and rebuilt around an initial load).
            migrationBuilder.CreateIndex(
                name: "IX_users_tenant_id_family_name_sourced_id",
                table: "users",
                columns: new[] { "tenant_id", "family_name", "sourced_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_users_tenant_id_family_name_sourced_id",
                table: "users");

            migrationBuilder.DropColumn(
                name: "data_version",
                table: "tenants");
        }
    }
}
