using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "OpenIddictApplications",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ApplicationType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ClientId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ClientSecret = table.Column<string>(type: "text", nullable: true),
                    ClientType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    ConsentType = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    DisplayName = table.Column<string>(type: "text", nullable: true),
                    DisplayNames = table.Column<string>(type: "text", nullable: true),
                    JsonWebKeySet = table.Column<string>(type: "text", nullable: true),
                    Permissions = table.Column<string>(type: "text", nullable: true),
                    PostLogoutRedirectUris = table.Column<string>(type: "text", nullable: true),
                    Properties = table.Column<string>(type: "text", nullable: true),
                    RedirectUris = table.Column<string>(type: "text", nullable: true),
                    Requirements = table.Column<string>(type: "text", nullable: true),
                    Settings = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictApplications", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictScopes",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Description = table.Column<string>(type: "text", nullable: true),
                    Descriptions = table.Column<string>(type: "text", nullable: true),
                    DisplayName = table.Column<string>(type: "text", nullable: true),
                    DisplayNames = table.Column<string>(type: "text", nullable: true),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Properties = table.Column<string>(type: "text", nullable: true),
                    Resources = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictScopes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "tenants",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tenants", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictAuthorizations",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ApplicationId = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    CreationDate = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Properties = table.Column<string>(type: "text", nullable: true),
                    Scopes = table.Column<string>(type: "text", nullable: true),
                    Status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    Type = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictAuthorizations", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpenIddictAuthorizations_OpenIddictApplications_Application~",
                        column: x => x.ApplicationId,
                        principalTable: "OpenIddictApplications",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "academic_sessions",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    parent_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    school_year = table.Column<string>(type: "text", nullable: true),
                    start_date = table.Column<DateOnly>(type: "date", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true),
                    type = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_academic_sessions", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_academic_sessions_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "categories",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true),
                    weight = table.Column<double>(type: "double precision", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_categories", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_categories_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "class_resources",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    class_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    resource_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_class_resources", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_class_resources_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "classes",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    class_code = table.Column<string>(type: "text", nullable: true),
                    class_type = table.Column<string>(type: "text", nullable: true),
                    course_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    grades = table.Column<string>(type: "text", nullable: true),
                    location = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    periods = table.Column<string>(type: "text", nullable: true),
                    school_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    subject_codes = table.Column<string>(type: "text", nullable: true),
                    subjects = table.Column<string>(type: "text", nullable: true),
                    term_sourced_ids = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    title = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_classes", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_classes_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "course_resources",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    course_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    resource_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_course_resources", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_course_resources_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "courses",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    course_code = table.Column<string>(type: "text", nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    grades = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    org_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    school_year_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    subject_codes = table.Column<string>(type: "text", nullable: true),
                    subjects = table.Column<string>(type: "text", nullable: true),
                    title = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_courses", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_courses_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "demographics",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    american_indian_or_alaska_native = table.Column<bool>(type: "boolean", nullable: true),
                    asian = table.Column<bool>(type: "boolean", nullable: true),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: true),
                    black_or_african_american = table.Column<bool>(type: "boolean", nullable: true),
                    city_of_birth = table.Column<string>(type: "text", nullable: true),
                    country_of_birth_code = table.Column<string>(type: "text", nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    demographic_race_two_or_more_races = table.Column<bool>(type: "boolean", nullable: true),
                    hispanic_or_latino_ethnicity = table.Column<bool>(type: "boolean", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    native_hawaiian_or_other_pacific_islander = table.Column<bool>(type: "boolean", nullable: true),
                    public_school_residence_status = table.Column<string>(type: "text", nullable: true),
                    sex = table.Column<string>(type: "text", nullable: true),
                    state_of_birth_abbreviation = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    white = table.Column<bool>(type: "boolean", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_demographics", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_demographics_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "enrollments",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    begin_date = table.Column<DateOnly>(type: "date", nullable: true),
                    class_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    primary = table.Column<bool>(type: "boolean", nullable: true),
                    role = table.Column<string>(type: "text", nullable: true),
                    school_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    user_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_enrollments", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_enrollments_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "import_jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    profile = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    file_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    started_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    error_count = table.Column<long>(type: "bigint", nullable: false),
                    warning_count = table.Column<long>(type: "bigint", nullable: false),
                    summary_json = table.Column<string>(type: "text", nullable: true),
                    failure_message = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_import_jobs", x => x.id);
                    table.ForeignKey(
                        name: "FK_import_jobs_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "line_item_learning_objective_ids",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    learning_objective_id = table.Column<string>(type: "text", nullable: true),
                    line_item_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    source = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_line_item_learning_objective_ids", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_line_item_learning_objective_ids_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "line_item_score_scales",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    line_item_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    score_scale_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_line_item_score_scales", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_line_item_score_scales_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "line_items",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    academic_session_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    assign_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    category_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    class_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    due_date = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    result_value_max = table.Column<double>(type: "double precision", nullable: true),
                    result_value_min = table.Column<double>(type: "double precision", nullable: true),
                    school_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_line_items", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_line_items_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "orgs",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    identifier = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    name = table.Column<string>(type: "text", nullable: true),
                    parent_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    type = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_orgs", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_orgs_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "resources",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    application_id = table.Column<string>(type: "text", nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    importance = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    roles = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true),
                    vendor_id = table.Column<string>(type: "text", nullable: true),
                    vendor_resource_id = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_resources", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_resources_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "result_learning_objective_ids",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    learning_objective_id = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    result_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    score = table.Column<double>(type: "double precision", nullable: true),
                    source = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    text_score = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_result_learning_objective_ids", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_result_learning_objective_ids_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "result_score_scales",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    result_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    score_scale_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_result_score_scales", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_result_score_scales_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "results",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    class_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    comment = table.Column<string>(type: "text", nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    in_progress = table.Column<bool>(type: "boolean", nullable: true),
                    incomplete = table.Column<bool>(type: "boolean", nullable: true),
                    late = table.Column<bool>(type: "boolean", nullable: true),
                    line_item_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    missing = table.Column<bool>(type: "boolean", nullable: true),
                    score = table.Column<double>(type: "double precision", nullable: true),
                    score_date = table.Column<DateOnly>(type: "date", nullable: true),
                    score_status = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    student_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    text_score = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_results", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_results_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    begin_date = table.Column<DateOnly>(type: "date", nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    end_date = table.Column<DateOnly>(type: "date", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    org_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    role = table.Column<string>(type: "text", nullable: true),
                    role_type = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    user_profile_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    user_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_roles", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_roles_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "roster_extension_columns",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    file = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    column_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_roster_extension_columns", x => new { x.tenant_id, x.file, x.column_name });
                    table.ForeignKey(
                        name: "FK_roster_extension_columns_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "score_scales",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    class_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    course_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    org_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    score_scale_value = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    title = table.Column<string>(type: "text", nullable: true),
                    type = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_score_scales", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_score_scales_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_profiles",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    application_id = table.Column<string>(type: "text", nullable: true),
                    credential_type = table.Column<string>(type: "text", nullable: true),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    description = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    password = table.Column<string>(type: "text", nullable: true),
                    profile_type = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    user_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    username = table.Column<string>(type: "text", nullable: true),
                    vendor_id = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_profiles", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_user_profiles_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_resources",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    class_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    org_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    resource_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    status = table.Column<string>(type: "text", nullable: false),
                    user_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_resources", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_user_resources_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    tenant_id = table.Column<int>(type: "integer", nullable: false),
                    sourced_id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    agent_sourced_ids = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    date_last_modified = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    email = table.Column<string>(type: "text", nullable: true),
                    enabled_user = table.Column<bool>(type: "boolean", nullable: true),
                    family_name = table.Column<string>(type: "text", nullable: true),
                    given_name = table.Column<string>(type: "text", nullable: true),
                    grades = table.Column<string>(type: "text", nullable: true),
                    identifier = table.Column<string>(type: "text", nullable: true),
                    metadata = table.Column<string>(type: "jsonb", nullable: true),
                    middle_name = table.Column<string>(type: "text", nullable: true),
                    password = table.Column<string>(type: "text", nullable: true),
                    phone = table.Column<string>(type: "text", nullable: true),
                    preferred_family_name = table.Column<string>(type: "text", nullable: true),
                    preferred_given_name = table.Column<string>(type: "text", nullable: true),
                    preferred_middle_name = table.Column<string>(type: "text", nullable: true),
                    primary_org_sourced_id = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    pronouns = table.Column<string>(type: "text", nullable: true),
                    resource_sourced_ids = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    sms = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: false),
                    user_ids = table.Column<string>(type: "text", nullable: true),
                    user_master_identifier = table.Column<string>(type: "text", nullable: true),
                    username = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => new { x.tenant_id, x.sourced_id });
                    table.ForeignKey(
                        name: "FK_users_tenants_tenant_id",
                        column: x => x.tenant_id,
                        principalTable: "tenants",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OpenIddictTokens",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    ApplicationId = table.Column<string>(type: "text", nullable: true),
                    AuthorizationId = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyToken = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    CreationDate = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ExpirationDate = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Payload = table.Column<string>(type: "text", nullable: true),
                    Properties = table.Column<string>(type: "text", nullable: true),
                    RedemptionDate = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ReferenceId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Status = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    Subject = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    Type = table.Column<string>(type: "character varying(150)", maxLength: 150, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OpenIddictTokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OpenIddictTokens_OpenIddictApplications_ApplicationId",
                        column: x => x.ApplicationId,
                        principalTable: "OpenIddictApplications",
                        principalColumn: "Id");
                    table.ForeignKey(
                        name: "FK_OpenIddictTokens_OpenIddictAuthorizations_AuthorizationId",
                        column: x => x.AuthorizationId,
                        principalTable: "OpenIddictAuthorizations",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateTable(
                name: "import_problems",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    job_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    file = table.Column<string>(type: "text", nullable: true),
                    line = table.Column<long>(type: "bigint", nullable: true),
                    column_name = table.Column<string>(type: "text", nullable: true),
                    rule_id = table.Column<string>(type: "text", nullable: false),
                    severity = table.Column<string>(type: "text", nullable: false),
                    message_en = table.Column<string>(type: "text", nullable: false),
                    message_ja = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_import_problems", x => x.id);
                    table.ForeignKey(
                        name: "FK_import_problems_import_jobs_job_id",
                        column: x => x.job_id,
                        principalTable: "import_jobs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_academic_sessions_tenant_id_date_last_modified",
                table: "academic_sessions",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_academic_sessions_tenant_id_parent_sourced_id",
                table: "academic_sessions",
                columns: new[] { "tenant_id", "parent_sourced_id" },
                filter: "\"parent_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_categories_tenant_id_date_last_modified",
                table: "categories",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_class_resources_tenant_id_class_sourced_id",
                table: "class_resources",
                columns: new[] { "tenant_id", "class_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_class_resources_tenant_id_date_last_modified",
                table: "class_resources",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_class_resources_tenant_id_resource_sourced_id",
                table: "class_resources",
                columns: new[] { "tenant_id", "resource_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_classes_tenant_id_course_sourced_id",
                table: "classes",
                columns: new[] { "tenant_id", "course_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_classes_tenant_id_date_last_modified",
                table: "classes",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_classes_tenant_id_school_sourced_id",
                table: "classes",
                columns: new[] { "tenant_id", "school_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_course_resources_tenant_id_course_sourced_id",
                table: "course_resources",
                columns: new[] { "tenant_id", "course_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_course_resources_tenant_id_date_last_modified",
                table: "course_resources",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_course_resources_tenant_id_resource_sourced_id",
                table: "course_resources",
                columns: new[] { "tenant_id", "resource_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_courses_tenant_id_date_last_modified",
                table: "courses",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_courses_tenant_id_org_sourced_id",
                table: "courses",
                columns: new[] { "tenant_id", "org_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_courses_tenant_id_school_year_sourced_id",
                table: "courses",
                columns: new[] { "tenant_id", "school_year_sourced_id" },
                filter: "\"school_year_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_demographics_tenant_id_date_last_modified",
                table: "demographics",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_enrollments_tenant_id_class_sourced_id",
                table: "enrollments",
                columns: new[] { "tenant_id", "class_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_enrollments_tenant_id_date_last_modified",
                table: "enrollments",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_enrollments_tenant_id_school_sourced_id",
                table: "enrollments",
                columns: new[] { "tenant_id", "school_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_enrollments_tenant_id_user_sourced_id",
                table: "enrollments",
                columns: new[] { "tenant_id", "user_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_import_jobs_tenant_id_created_at",
                table: "import_jobs",
                columns: new[] { "tenant_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "IX_import_problems_job_id_sequence",
                table: "import_problems",
                columns: new[] { "job_id", "sequence" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_line_item_learning_objective_ids_tenant_id_date_last_modifi~",
                table: "line_item_learning_objective_ids",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_line_item_learning_objective_ids_tenant_id_line_item_source~",
                table: "line_item_learning_objective_ids",
                columns: new[] { "tenant_id", "line_item_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_line_item_score_scales_tenant_id_date_last_modified",
                table: "line_item_score_scales",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_line_item_score_scales_tenant_id_line_item_sourced_id",
                table: "line_item_score_scales",
                columns: new[] { "tenant_id", "line_item_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_line_item_score_scales_tenant_id_score_scale_sourced_id",
                table: "line_item_score_scales",
                columns: new[] { "tenant_id", "score_scale_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_line_items_tenant_id_academic_session_sourced_id",
                table: "line_items",
                columns: new[] { "tenant_id", "academic_session_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_line_items_tenant_id_category_sourced_id",
                table: "line_items",
                columns: new[] { "tenant_id", "category_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_line_items_tenant_id_class_sourced_id",
                table: "line_items",
                columns: new[] { "tenant_id", "class_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_line_items_tenant_id_date_last_modified",
                table: "line_items",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_line_items_tenant_id_school_sourced_id",
                table: "line_items",
                columns: new[] { "tenant_id", "school_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictApplications_ClientId",
                table: "OpenIddictApplications",
                column: "ClientId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictAuthorizations_ApplicationId_Status_Subject_Type",
                table: "OpenIddictAuthorizations",
                columns: new[] { "ApplicationId", "Status", "Subject", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictScopes_Name",
                table: "OpenIddictScopes",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictTokens_ApplicationId_Status_Subject_Type",
                table: "OpenIddictTokens",
                columns: new[] { "ApplicationId", "Status", "Subject", "Type" });

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictTokens_AuthorizationId",
                table: "OpenIddictTokens",
                column: "AuthorizationId");

            migrationBuilder.CreateIndex(
                name: "IX_OpenIddictTokens_ReferenceId",
                table: "OpenIddictTokens",
                column: "ReferenceId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_orgs_tenant_id_date_last_modified",
                table: "orgs",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_orgs_tenant_id_parent_sourced_id",
                table: "orgs",
                columns: new[] { "tenant_id", "parent_sourced_id" },
                filter: "\"parent_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_resources_tenant_id_date_last_modified",
                table: "resources",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_result_learning_objective_ids_tenant_id_date_last_modified",
                table: "result_learning_objective_ids",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_result_learning_objective_ids_tenant_id_result_sourced_id",
                table: "result_learning_objective_ids",
                columns: new[] { "tenant_id", "result_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_result_score_scales_tenant_id_date_last_modified",
                table: "result_score_scales",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_result_score_scales_tenant_id_result_sourced_id",
                table: "result_score_scales",
                columns: new[] { "tenant_id", "result_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_result_score_scales_tenant_id_score_scale_sourced_id",
                table: "result_score_scales",
                columns: new[] { "tenant_id", "score_scale_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_results_tenant_id_class_sourced_id",
                table: "results",
                columns: new[] { "tenant_id", "class_sourced_id" },
                filter: "\"class_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_results_tenant_id_date_last_modified",
                table: "results",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_results_tenant_id_line_item_sourced_id",
                table: "results",
                columns: new[] { "tenant_id", "line_item_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_results_tenant_id_student_sourced_id",
                table: "results",
                columns: new[] { "tenant_id", "student_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_roles_tenant_id_date_last_modified",
                table: "roles",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_roles_tenant_id_org_sourced_id",
                table: "roles",
                columns: new[] { "tenant_id", "org_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_roles_tenant_id_user_profile_sourced_id",
                table: "roles",
                columns: new[] { "tenant_id", "user_profile_sourced_id" },
                filter: "\"user_profile_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_roles_tenant_id_user_sourced_id",
                table: "roles",
                columns: new[] { "tenant_id", "user_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_score_scales_tenant_id_class_sourced_id",
                table: "score_scales",
                columns: new[] { "tenant_id", "class_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_score_scales_tenant_id_course_sourced_id",
                table: "score_scales",
                columns: new[] { "tenant_id", "course_sourced_id" },
                filter: "\"course_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_score_scales_tenant_id_date_last_modified",
                table: "score_scales",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_score_scales_tenant_id_org_sourced_id",
                table: "score_scales",
                columns: new[] { "tenant_id", "org_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_tenants_code",
                table: "tenants",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_user_profiles_tenant_id_date_last_modified",
                table: "user_profiles",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_user_profiles_tenant_id_user_sourced_id",
                table: "user_profiles",
                columns: new[] { "tenant_id", "user_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_user_resources_tenant_id_class_sourced_id",
                table: "user_resources",
                columns: new[] { "tenant_id", "class_sourced_id" },
                filter: "\"class_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_user_resources_tenant_id_date_last_modified",
                table: "user_resources",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_user_resources_tenant_id_org_sourced_id",
                table: "user_resources",
                columns: new[] { "tenant_id", "org_sourced_id" },
                filter: "\"org_sourced_id\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_user_resources_tenant_id_resource_sourced_id",
                table: "user_resources",
                columns: new[] { "tenant_id", "resource_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_user_resources_tenant_id_user_sourced_id",
                table: "user_resources",
                columns: new[] { "tenant_id", "user_sourced_id" });

            migrationBuilder.CreateIndex(
                name: "IX_users_tenant_id_date_last_modified",
                table: "users",
                columns: new[] { "tenant_id", "date_last_modified" });

            migrationBuilder.CreateIndex(
                name: "IX_users_tenant_id_primary_org_sourced_id",
                table: "users",
                columns: new[] { "tenant_id", "primary_org_sourced_id" },
                filter: "\"primary_org_sourced_id\" IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "academic_sessions");

            migrationBuilder.DropTable(
                name: "categories");

            migrationBuilder.DropTable(
                name: "class_resources");

            migrationBuilder.DropTable(
                name: "classes");

            migrationBuilder.DropTable(
                name: "course_resources");

            migrationBuilder.DropTable(
                name: "courses");

            migrationBuilder.DropTable(
                name: "demographics");

            migrationBuilder.DropTable(
                name: "enrollments");

            migrationBuilder.DropTable(
                name: "import_problems");

            migrationBuilder.DropTable(
                name: "line_item_learning_objective_ids");

            migrationBuilder.DropTable(
                name: "line_item_score_scales");

            migrationBuilder.DropTable(
                name: "line_items");

            migrationBuilder.DropTable(
                name: "OpenIddictScopes");

            migrationBuilder.DropTable(
                name: "OpenIddictTokens");

            migrationBuilder.DropTable(
                name: "orgs");

            migrationBuilder.DropTable(
                name: "resources");

            migrationBuilder.DropTable(
                name: "result_learning_objective_ids");

            migrationBuilder.DropTable(
                name: "result_score_scales");

            migrationBuilder.DropTable(
                name: "results");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "roster_extension_columns");

            migrationBuilder.DropTable(
                name: "score_scales");

            migrationBuilder.DropTable(
                name: "user_profiles");

            migrationBuilder.DropTable(
                name: "user_resources");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "import_jobs");

            migrationBuilder.DropTable(
                name: "OpenIddictAuthorizations");

            migrationBuilder.DropTable(
                name: "tenants");

            migrationBuilder.DropTable(
                name: "OpenIddictApplications");
        }
    }
}
