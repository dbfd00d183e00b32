using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AttendanceWarnings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "attendance_alerts",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false, collation: "C"),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    school_sourced_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    pupil_sourced_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    school_year = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    value = table.Column<int>(type: "integer", nullable: false),
                    window_from = table.Column<DateOnly>(type: "date", nullable: false),
                    window_to = table.Column<DateOnly>(type: "date", nullable: false),
                    evidence = table.Column<string>(type: "text", nullable: false),
                    raised_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    resolved_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attendance_alerts", x => x.id);
                    table.ForeignKey(
                        name: "FK_attendance_alerts_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "attendance_code_map",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    system = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    local_code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    deemed_kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    disease = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: true),
                    relationship = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    online_method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attendance_code_map", x => new { x.tenant_id, x.system, x.local_code });
                    table.ForeignKey(
                        name: "FK_attendance_code_map_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "attendance_warning_rules",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    threshold = table.Column<int>(type: "integer", nullable: true),
                    window_days = table.Column<int>(type: "integer", nullable: true),
                    share_percent = table.Column<int>(type: "integer", nullable: true),
                    basis = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_attendance_warning_rules", x => new { x.tenant_id, x.kind });
                    table.ForeignKey(
                        name: "FK_attendance_warning_rules_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_attendance_alerts_tenant_id_school_sourced_id_pupil_sourced~",
                table: "attendance_alerts",
                columns: new[] { "tenant_id", "school_sourced_id", "pupil_sourced_id", "kind" },
                unique: true,
                filter: "\"status\" = 'open'");

            migrationBuilder.CreateIndex(
                name: "IX_attendance_alerts_tenant_id_sourced_id",
                table: "attendance_alerts",
                columns: new[] { "tenant_id", "sourced_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_attendance_alerts_tenant_id_status_id",
                table: "attendance_alerts",
                columns: new[] { "tenant_id", "status", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "attendance_alerts");

            migrationBuilder.DropTable(
                name: "attendance_code_map");

            migrationBuilder.DropTable(
                name: "attendance_warning_rules");
        }
    }
}
