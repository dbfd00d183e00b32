using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class XapiLinksLeaveOutColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A Statement's links no longer repeat what its own indexed columns hold (XapiStatementStore.Links): the actor's
            // IFI as an agent / related agent, the object Activity's id as a related activity; queries match those through
            // the columns. The rows stored before are dropped — copied without them into a new table (one sequential write,
            // no dead tuples), as XapiLeanerIngest did. Keys as XapiLinkKind.Key computes them.
            migrationBuilder.Sql("""
                CREATE TABLE xapi_statement_links_lean (tenant_id integer NOT NULL, key bytea NOT NULL, sequence bigint NOT NULL);
                INSERT INTO xapi_statement_links_lean (tenant_id, key, sequence)
                    SELECT l.tenant_id, l.key, l.sequence FROM xapi_statement_links l
                    JOIN xapi_statements s ON s.tenant_id = l.tenant_id AND s.sequence = l.sequence
                    WHERE l.key IS DISTINCT FROM substring(sha256(convert_to('agent:' || s.actor_ifi, 'UTF8')) from 1 for 16)
                      AND l.key IS DISTINCT FROM substring(sha256(convert_to('related_agent:' || s.actor_ifi, 'UTF8')) from 1 for 16)
                      AND l.key IS DISTINCT FROM substring(sha256(convert_to('related_activity:' || s.activity_id, 'UTF8')) from 1 for 16);
                DROP TABLE xapi_statement_links;
                ALTER TABLE xapi_statement_links_lean RENAME TO xapi_statement_links;
                ALTER TABLE xapi_statement_links ADD CONSTRAINT "PK_xapi_statement_links" PRIMARY KEY (tenant_id, key, sequence);
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The earlier code found the actor and the object Activity through the links only: give them back.
            migrationBuilder.Sql("""
                INSERT INTO xapi_statement_links (tenant_id, key, sequence)
                    SELECT tenant_id, substring(sha256(convert_to(k.kind || ':' || k.value, 'UTF8')) from 1 for 16), sequence
                    FROM xapi_statements s
                    CROSS JOIN LATERAL (VALUES ('agent', s.actor_ifi), ('related_agent', s.actor_ifi), ('related_activity', s.activity_id)) AS k(kind, value)
                    WHERE k.value IS NOT NULL
                ON CONFLICT DO NOTHING;
                """);
        }
    }
}
