using CallEvents.Storage;
using Npgsql;

namespace CallEvents.Tests.Storage;

/// <summary>What CallEvents adds to an operator's PostgreSQL connection string, and what it leaves alone.</summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void AStringWithoutThemGetsTheApplicationNameAndAutomaticPreparation()
    {
        var builder = new NpgsqlConnectionStringBuilder(StorageSetup.PostgresConnectionString("Host=127.0.0.1;Database=callevents"));

        Assert.Equal("callevents", builder.ApplicationName);
        Assert.Equal(64, builder.MaxAutoPrepare);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Max Auto Prepare=0", 0)]
    [InlineData("Host=127.0.0.1;MaxAutoPrepare=0", 0)]
    [InlineData("Host=127.0.0.1;max auto prepare=8", 8)]
    public void TheOperatorsOwnSettingsWin(string connectionString, int maxAutoPrepare)
    {
        var builder = new NpgsqlConnectionStringBuilder(StorageSetup.PostgresConnectionString(connectionString + ";Application Name=mine"));

        Assert.Equal("mine", builder.ApplicationName);
        Assert.Equal(maxAutoPrepare, builder.MaxAutoPrepare);
    }
}
