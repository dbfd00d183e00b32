using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class XapiStatements : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "xapi_credentials",
                columns: table => new
                {
                    key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    tenant_id = table.Column<int>(type: "INTEGER", nullable: false),
                    display_name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    secret_hash = table.Column<byte[]>(type: "BLOB", nullable: false),
                    can_read = table.Column<bool>(type: "INTEGER", nullable: false),
                    can_write = table.Column<bool>(type: "INTEGER", nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_xapi_credentials", x => x.key);
                    table.ForeignKey(
                        name: "FK_xapi_credentials_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "xapi_statements",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "INTEGER", nullable: false),
                    sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    statement = table.Column<string>(type: "TEXT", nullable: false),
                    content_hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    stored = table.Column<DateTime>(type: "TEXT", nullable: false),
                    voided = table.Column<bool>(type: "INTEGER", nullable: false),
                    voids_id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    ref_id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    actor_ifi = table.Column<string>(type: "TEXT", nullable: true),
                    verb_id = table.Column<string>(type: "TEXT", nullable: false),
                    activity_id = table.Column<string>(type: "TEXT", nullable: true),
                    registration = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_xapi_statements", x => new { x.tenant_id, x.sequence });
                    table.ForeignKey(
                        name: "FK_xapi_statements_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "xapi_statement_links",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "INTEGER", nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    value = table.Column<string>(type: "TEXT", nullable: false),
                    sequence = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_xapi_statement_links", x => new { x.tenant_id, x.kind, x.value, x.sequence });
                    table.ForeignKey(
                        name: "FK_xapi_statement_links_xapi_statements_tenant_id_sequence",
                        columns: x => new { x.tenant_id, x.sequence },
                        principalTable: "xapi_statements",
                        principalColumns: new[] { "tenant_id", "sequence" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_xapi_credentials_tenant_id",
                table: "xapi_credentials",
                column: "tenant_id");

            migrationBuilder.CreateIndex(
                name: "IX_xapi_statement_links_tenant_id_sequence",
                table: "xapi_statement_links",
                columns: new[] { "tenant_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_xapi_statements_tenant_id_activity_id_sequence",
                table: "xapi_statements",
                columns: new[] { "tenant_id", "activity_id", "sequence" },
                filter: "\"activity_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_xapi_statements_tenant_id_actor_ifi_sequence",
                table: "xapi_statements",
                columns: new[] { "tenant_id", "actor_ifi", "sequence" },
                filter: "\"actor_ifi\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_xapi_statements_tenant_id_id",
                table: "xapi_statements",
                columns: new[] { "tenant_id", "id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_xapi_statements_tenant_id_ref_id",
                table: "xapi_statements",
                columns: new[] { "tenant_id", "ref_id" },
                filter: "\"ref_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_xapi_statements_tenant_id_registration_sequence",
                table: "xapi_statements",
                columns: new[] { "tenant_id", "registration", "sequence" },
                filter: "\"registration\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_xapi_statements_tenant_id_stored",
                table: "xapi_statements",
                columns: new[] { "tenant_id", "stored" });

            migrationBuilder.CreateIndex(
                name: "IX_xapi_statements_tenant_id_verb_id_sequence",
                table: "xapi_statements",
                columns: new[] { "tenant_id", "verb_id", "sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_xapi_statements_tenant_id_voids_id",
                table: "xapi_statements",
                columns: new[] { "tenant_id", "voids_id" },
                filter: "\"voids_id\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "xapi_credentials");

            migrationBuilder.DropTable(
                name: "xapi_statement_links");

            migrationBuilder.DropTable(
                name: "xapi_statements");
        }
    }
}
