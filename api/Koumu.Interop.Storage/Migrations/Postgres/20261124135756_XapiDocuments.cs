using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class XapiDocuments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "xapi_activities",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    activity_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    activity_id = table.Column<string>(type: "text", nullable: false),
                    definition = table.Column<string>(type: "text", nullable: false),
                    updated = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_xapi_activities", x => new { x.tenant_id, x.activity_key });
                    table.ForeignKey(
                        name: "FK_xapi_activities_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "xapi_documents",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    context_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    document_key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    registration = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    activity_id = table.Column<string>(type: "text", nullable: true),
                    agent_ifi = table.Column<string>(type: "text", nullable: true),
                    document_id = table.Column<string>(type: "text", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    content_type = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    etag = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    updated = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_xapi_documents", x => new { x.tenant_id, x.context_key, x.registration, x.document_key });
                    table.ForeignKey(
                        name: "FK_xapi_documents_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_xapi_documents_tenant_id_context_key_updated",
                table: "xapi_documents",
                columns: new[] { "tenant_id", "context_key", "updated" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "xapi_activities");

            migrationBuilder.DropTable(
                name: "xapi_documents");
        }
    }
}
