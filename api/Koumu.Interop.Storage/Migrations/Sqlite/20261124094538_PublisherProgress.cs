using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PublisherProgress : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "publisher_progress",
                columns: table => new
                {
                    publisher = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    tenant_id = table.Column<int>(type: "INTEGER", nullable: false),
                    published_version = table.Column<long>(type: "INTEGER", nullable: false),
                    lease_until = table.Column<DateTime>(type: "TEXT", nullable: false),
                    lease_owner = table.Column<Guid>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_publisher_progress", x => new { x.publisher, x.tenant_id });
                    table.ForeignKey(
                        name: "FK_publisher_progress_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_publisher_progress_tenant_id",
                table: "publisher_progress",
                column: "tenant_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "publisher_progress");
        }
    }
}
