using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AttendanceQueryAndAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The attendance audit joins the hub's trail (decision 0011): its rows are carried over, oldest first, before
            // the table goes — an audit trail is never dropped (tenant id → tenant code; target = the subject, else the school).
            migrationBuilder.Sql(
                "INSERT INTO audit_events (at, tenant, client_id, action, resource, target, query, records, classification, status) " +
                "SELECT a.at, t.code, a.client_id, a.action, 'attendance.' || a.resource, COALESCE(a.subject, a.school_sourced_id), NULL, " +
                "a.count, a.classification, 200 FROM attendance_audit a JOIN tenants t ON t.id = a.tenant_id ORDER BY a.id");

            migrationBuilder.DropTable(
                name: "attendance_audit");

            migrationBuilder.CreateIndex(
                name: "IX_attendance_records_tenant_id_date_last_modified",
                table: "attendance_records",
                columns: new[] { "tenant_id", "date_last_modified" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_attendance_records_tenant_id_date_last_modified",
                table: "attendance_records");

            migrationBuilder.CreateTable(
                name: "attendance_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    action = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    classification = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    count = table.Column<int>(type: "INTEGER", nullable: false),
                    resource = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    school_sourced_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    subject = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    tenant_id = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attendance_audit", x => x.id);
                    table.ForeignKey(
                        name: "FK_attendance_audit_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_attendance_audit_tenant_id_at",
                table: "attendance_audit",
                columns: new[] { "tenant_id", "at" });
        }
    }
}
