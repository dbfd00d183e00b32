using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AssessmentTables : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "assessment_line_items",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    class_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    learning_objective_set = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    parent_assessment_line_item_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    result_value_max = table.Column<double>(type: "double precision", nullable: true),
                    result_value_min = table.Column<double>(type: "double precision", nullable: true),
                    score_scale_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assessment_line_items", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_assessment_line_items_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "assessment_results",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    assessment_line_item_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    comment = table.Column<string>(type: "text", nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    in_progress = table.Column<bool>(type: "boolean", nullable: true),
                    incomplete = table.Column<bool>(type: "boolean", nullable: true),
                    late = table.Column<bool>(type: "boolean", nullable: true),
                    learning_objective_set = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    missing = table.Column<bool>(type: "boolean", nullable: true),
                    score = table.Column<double>(type: "double precision", nullable: true),
                    score_date = table.Column<DateOnly>(type: "date", nullable: true),
                    score_percentile = table.Column<double>(type: "double precision", nullable: true),
                    score_scale_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    score_status = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    student_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    text_score = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_assessment_results", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_assessment_results_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_assessment_line_items_tenant_id_class_sourced_id",
                table: "assessment_line_items",
                columns: new[] { "tenant_id", "class_sourced_id" },
                filter: "\"class_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_assessment_line_items_tenant_id_date_last_modified",
                table: "assessment_line_items",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_assessment_line_items_tenant_id_parent_assessment_line_item~",
                table: "assessment_line_items",
                columns: new[] { "tenant_id", "parent_assessment_line_item_sourced_id" },
                filter: "\"parent_assessment_line_item_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_assessment_line_items_tenant_id_score_scale_sourced_id",
                table: "assessment_line_items",
                columns: new[] { "tenant_id", "score_scale_sourced_id" },
                filter: "\"score_scale_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_assessment_results_tenant_id_assessment_line_item_sourced_id",
                table: "assessment_results",
                columns: new[] { "tenant_id", "assessment_line_item_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_assessment_results_tenant_id_date_last_modified",
                table: "assessment_results",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_assessment_results_tenant_id_score_scale_sourced_id",
                table: "assessment_results",
                columns: new[] { "tenant_id", "score_scale_sourced_id" },
                filter: "\"score_scale_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_assessment_results_tenant_id_student_sourced_id",
                table: "assessment_results",
                columns: new[] { "tenant_id", "student_sourced_id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "assessment_line_items");

            migrationBuilder.DropTable(
                name: "assessment_results");
        }
    }
}
