using Koumu.Interop.Storage;
using Npgsql;

namespace Koumu.Interop.Tests.Storage;

public sealed class ConnectionTuningTests
{
    [Fact]
    public void PostgreSQL_connections_prepare_hot_statements_unless_the_operator_chose_otherwise()
    {
        var tuned = new NpgsqlConnectionStringBuilder(RosterStore.TuneNpgsql("Host=db;Username=u;Password=p;Database=d"));
        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.Equal(1 << 16, tuned.WriteBufferSize);

        var pooler = new NpgsqlConnectionStringBuilder(RosterStore.TuneNpgsql("Host=db;Username=u;Password=p;Database=d;Max Auto Prepare=0"));
        Assert.Equal(0, pooler.MaxAutoPrepare);
        var custom = new NpgsqlConnectionStringBuilder(RosterStore.TuneNpgsql("Host=db;Username=u;Password=p;Database=d;maxautoprepare=8"));
        Assert.Equal(8, custom.MaxAutoPrepare);
    }
}
