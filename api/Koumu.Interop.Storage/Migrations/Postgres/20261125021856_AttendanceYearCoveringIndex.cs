using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AttendanceYearCoveringIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_attendance_records_tenant_id_school_sourced_id_date",
                table: "attendance_records");

            migrationBuilder.CreateIndex(
                name: "IX_attendance_records_tenant_id_school_sourced_id_date",
                table: "attendance_records",
                columns: new[] { "tenant_id", "school_sourced_id", "date" },
                filter: "\"is_current\"")
                .Annotation("Npgsql:IndexInclude", new[] { "status", "pupil_sourced_id", "period", "online_participated", "late", "early_leave", "nurse_room", "separate_room", "code", "deemed_kind", "online_method" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_attendance_records_tenant_id_school_sourced_id_date",
                table: "attendance_records");

            migrationBuilder.CreateIndex(
                name: "IX_attendance_records_tenant_id_school_sourced_id_date",
                table: "attendance_records",
                columns: new[] { "tenant_id", "school_sourced_id", "date" },
                filter: "\"is_current\"");
        }
    }
}
