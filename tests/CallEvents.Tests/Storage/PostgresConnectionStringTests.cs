using CallEvents.Storage;
using Npgsql;

namespace CallEvents.Tests.Storage;

/// <summary>What CallEvents adds to an operator's PostgreSQL connection string, and what it leaves alone.</summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void AStringWithoutThemGetsTheApplicationNameAutomaticPreparationAndNoResetOnClose()
    {
        var builder = new NpgsqlConnectionStringBuilder(StorageSetup.PostgresConnectionString("Host=127.0.0.1;Database=callevents"));

        Assert.Equal("callevents", builder.ApplicationName);
        Assert.Equal(64, builder.MaxAutoPrepare);
        Assert.True(builder.NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Max Auto Prepare=0;No Reset On Close=false", 0)]
    [InlineData("Host=127.0.0.1;MaxAutoPrepare=0;NoResetOnClose=false", 0)]
    [InlineData("Host=127.0.0.1;max auto prepare=8;no reset on close=false", 8)]
    public void TheOperatorsOwnSettingsWin(string connectionString, int maxAutoPrepare)
    {
        var builder = new NpgsqlConnectionStringBuilder(StorageSetup.PostgresConnectionString(connectionString + ";Application Name=mine"));

        Assert.Equal("mine", builder.ApplicationName);
        Assert.Equal(maxAutoPrepare, builder.MaxAutoPrepare);
        Assert.False(builder.NoResetOnClose);
    }
}
