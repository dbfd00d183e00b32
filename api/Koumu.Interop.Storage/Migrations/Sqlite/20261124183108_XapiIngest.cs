using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class XapiIngest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_xapi_statement_links_xapi_statements_tenant_id_sequence",
                table: "xapi_statement_links");

            migrationBuilder.DropIndex(
                name: "IX_xapi_statement_links_tenant_id_sequence",
                table: "xapi_statement_links");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_xapi_statement_links_tenant_id_sequence",
                table: "xapi_statement_links",
                columns: new[] { "tenant_id", "sequence" });

            migrationBuilder.AddForeignKey(
                name: "FK_xapi_statement_links_xapi_statements_tenant_id_sequence",
                table: "xapi_statement_links",
                columns: new[] { "tenant_id", "sequence" },
                principalTable: "xapi_statements",
                principalColumns: new[] { "tenant_id", "sequence" },
                onDelete: ReferentialAction.Cascade);
        }
    }
}
