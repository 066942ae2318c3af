using CallEvents.Hosting.Startup;
using CallEvents.Storage;
using CallEvents.Storage.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace CallEvents.Tests.Hosting;

/// <summary>
/// Background services touch the database only once <c>serve</c> has reached it and checked its
/// schema (Hosting/Startup/DatabaseReadiness.cs), never when the node gives up, and they stop
/// cleanly either way. The WAL checkpointer stands for them: it says when it runs.
/// </summary>
public sealed class BackgroundStartTests
{
    [Fact]
    public async Task BackgroundWorkWaitsUntilTheNodeServesThenRuns()
    {
        await using var node = await HeldNodeAsync();
        var checkpoints = node.Services.GetRequiredService<WalCheckpoints>();

        await Task.Delay(TimeSpan.FromSeconds(1)); // it would have started by now
        Assert.False(checkpoints.Running);

        node.Services.GetRequiredService<DatabaseReadiness>().Open();
        for (var i = 0; i < 100 && !checkpoints.Running; i++) // bounded: 10 s
        {
            await Task.Delay(100);
        }
        Assert.True(checkpoints.Running);
        await node.StopAsync();
        Assert.False(checkpoints.Running);
    }

    [Fact]
    public async Task BackgroundWorkNeverStartsWhenTheNodeGivesUpAndTheNodeStopsCleanly()
    {
        await using var node = await HeldNodeAsync();
        node.Services.GetRequiredService<DatabaseReadiness>().Abandon();

        await node.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(node.Services.GetRequiredService<WalCheckpoints>().Running);
    }

    /// <summary>What <c>serve</c> does before it reaches the database: readiness held, the host started.</summary>
    private static async Task<WebApplication> HeldNodeAsync()
    {
        var data = Cli.Cli.NewDataDirectory();
        var app = Program.Build(Program.CreateBuilder(
            ["--urls=http://127.0.0.1:0", $"--DataDirectory={data}", "--Logging:LogLevel:Default=Warning", "--Database:Provider=Sqlite"]));
        using (var scope = app.Services.CreateScope())
        {
            await SchemaGate.MigrateAsync(scope.ServiceProvider.GetRequiredService<CallEventsDb>(), CancellationToken.None);
        }
        app.Services.GetRequiredService<DatabaseReadiness>().Hold();
        await app.StartAsync();
        return app;
    }
}
