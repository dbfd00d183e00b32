using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Attendance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "attendance_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_id = table.Column<int>(type: "INTEGER", nullable: false),
                    at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    action = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    resource = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    classification = table.Column<string>(type: "TEXT", maxLength: 4, nullable: false),
                    school_sourced_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    subject = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    count = table.Column<int>(type: "INTEGER", nullable: false)
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

            migrationBuilder.CreateTable(
                name: "attendance_calendar",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "INTEGER", nullable: false),
                    school_sourced_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    scope = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    key = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    kind = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attendance_calendar", x => new { x.tenant_id, x.school_sourced_id, x.date, x.scope, x.key });
                    table.ForeignKey(
                        name: "FK_attendance_calendar_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "attendance_records",
                columns: table => new
                {
                    id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    tenant_id = table.Column<int>(type: "INTEGER", nullable: false),
                    sourced_id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false),
                    is_current = table.Column<bool>(type: "INTEGER", nullable: false),
                    status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    school_sourced_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    pupil_sourced_id = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    date = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    period = table.Column<int>(type: "INTEGER", nullable: false),
                    code = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    deemed_kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    facility = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    disease = table.Column<string>(type: "TEXT", maxLength: 48, nullable: true),
                    relationship = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    online_method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: true),
                    online_participated = table.Column<bool>(type: "INTEGER", nullable: true),
                    late = table.Column<bool>(type: "INTEGER", nullable: false),
                    arrived_at = table.Column<string>(type: "TEXT", maxLength: 5, nullable: true),
                    early_leave = table.Column<bool>(type: "INTEGER", nullable: false),
                    left_at = table.Column<string>(type: "TEXT", maxLength: 5, nullable: true),
                    nurse_room = table.Column<bool>(type: "INTEGER", nullable: false),
                    separate_room = table.Column<bool>(type: "INTEGER", nullable: false),
                    symptoms = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    temperature = table.Column<decimal>(type: "TEXT", precision: 4, scale: 1, nullable: true),
                    note = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    reported_by = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    source_system = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    reported_at = table.Column<DateTime>(type: "TEXT", nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "TEXT", nullable: false),
                    client_id = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attendance_records", x => x.id);
                    table.ForeignKey(
                        name: "FK_attendance_records_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_attendance_audit_tenant_id_at",
                table: "attendance_audit",
                columns: new[] { "tenant_id", "at" });

            migrationBuilder.CreateIndex(
                name: "IX_attendance_records_tenant_id_pupil_sourced_id_date_period",
                table: "attendance_records",
                columns: new[] { "tenant_id", "pupil_sourced_id", "date", "period" },
                unique: true,
                filter: "\"is_current\"");

            migrationBuilder.CreateIndex(
                name: "IX_attendance_records_tenant_id_school_sourced_id_date",
                table: "attendance_records",
                columns: new[] { "tenant_id", "school_sourced_id", "date" },
                filter: "\"is_current\"");

            migrationBuilder.CreateIndex(
                name: "IX_attendance_records_tenant_id_sourced_id_version",
                table: "attendance_records",
                columns: new[] { "tenant_id", "sourced_id", "version" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "attendance_audit");

            migrationBuilder.DropTable(
                name: "attendance_calendar");

            migrationBuilder.DropTable(
                name: "attendance_records");
        }
    }
}
