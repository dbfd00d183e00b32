using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Postgres
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
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    tenant = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    client_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false, collation: "C"),
                    action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    resource = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    target = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    query = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    records = table.Column<int>(type: "integer", nullable: false),
                    classification = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    status = table.Column<int>(type: "integer", nullable: false)
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
