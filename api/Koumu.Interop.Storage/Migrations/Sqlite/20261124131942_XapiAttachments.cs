using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Sqlite
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
                    tenant_id = table.Column<int>(type: "INTEGER", nullable: false),
                    sha2 = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    content_type = table.Column<string>(type: "TEXT", nullable: false),
                    length = table.Column<long>(type: "INTEGER", nullable: false),
                    content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    stored = table.Column<DateTime>(type: "TEXT", nullable: false)
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
