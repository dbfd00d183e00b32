using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class XapiLeanerIngest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The links become (tenant_id, key, sequence), key = XapiLinkKind.Key(kind, value): the first 128 bits of
            // SHA-256 over "kind:value" in UTF-8 — computed here by PostgreSQL for the rows already stored. Copied into a
            // new table (one sequential write, no dead tuples) rather than updated in place; the key is built once, after.
            migrationBuilder.Sql("""
                CREATE TABLE xapi_statement_links_lean (tenant_id integer NOT NULL, key bytea NOT NULL, sequence bigint NOT NULL);
                INSERT INTO xapi_statement_links_lean (tenant_id, key, sequence)
                    SELECT tenant_id, substring(sha256(convert_to(kind || ':' || value, 'UTF8')) from 1 for 16), sequence FROM xapi_statement_links;
                DROP TABLE xapi_statement_links;
                ALTER TABLE xapi_statement_links_lean RENAME TO xapi_statement_links;
                ALTER TABLE xapi_statement_links ADD CONSTRAINT "PK_xapi_statement_links" PRIMARY KEY (tenant_id, key, sequence);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // A digest cannot be turned back into the agent IFI or activity IRI it was computed from, and rebuilding the
            // links means re-reading every Statement's JSON (XapiStatements.Index): not something to do in SQL.
            throw new NotSupportedException("XapiLeanerIngest cannot be reverted: the xapi_statement_links keys are digests of their values.");
        }
    }
}
