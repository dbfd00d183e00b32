using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Koumu.Interop.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class XapiLinksLeaveOutColumns : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A Statement's links no longer repeat what its own indexed columns hold (XapiStatementStore.Links): the actor's
            // IFI as an agent / related agent, the object Activity's id as a related activity; queries match those through
            // the columns. The rows stored before are dropped.
            migrationBuilder.Sql("""
                DELETE FROM xapi_statement_links
                WHERE EXISTS (SELECT 1 FROM xapi_statements s
                              WHERE s.tenant_id = xapi_statement_links.tenant_id AND s.sequence = xapi_statement_links.sequence
                                AND ((xapi_statement_links.kind IN ('agent', 'related_agent') AND xapi_statement_links.value = s.actor_ifi)
                                  OR (xapi_statement_links.kind = 'related_activity' AND xapi_statement_links.value = s.activity_id)));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The earlier code found the actor and the object Activity through the links only: give them back.
            migrationBuilder.Sql("""
                INSERT OR IGNORE INTO xapi_statement_links (tenant_id, kind, value, sequence)
                    SELECT tenant_id, 'agent', actor_ifi, sequence FROM xapi_statements WHERE actor_ifi IS NOT NULL
                    UNION ALL SELECT tenant_id, 'related_agent', actor_ifi, sequence FROM xapi_statements WHERE actor_ifi IS NOT NULL
                    UNION ALL SELECT tenant_id, 'related_activity', activity_id, sequence FROM xapi_statements WHERE activity_id IS NOT NULL;
                """);
        }
    }
}
