using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class XapiAttachments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "xapi_attachments",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sha2 = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    content_type = table.Column<string>(type: "text", nullable: false),
                    length = table.Column<long>(type: "bigint", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: false),
                    stored = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_xapi_attachments", x => new { x.tenant_id, x.sha2 });
                    table.ForeignKey(
                        name: "FK_xapi_attachments_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "xapi_attachments");
        }
    }
}
