using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuditEvents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    tenant = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    resource = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    target = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    query = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    records = table.Column<int>(type: "INTEGER", nullable: false),
                    classification = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    status = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_client_id_id",
                table: "audit_events",
                columns: new[] { "tenant", "client_id", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_tenant_id",
                table: "audit_events",
                columns: new[] { "tenant", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_events");
        }
    }
}
