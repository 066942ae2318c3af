using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace CallEvents.Tests.Hosting;

/// <summary>
/// A command that does not serve reads the appsettings files once and watches none of them (a
/// file watcher and its thread for a process that ends before a change could matter); the
/// server still watches the same files (Program.CreateCommandBuilder, Program.CreateBuilder).
/// </summary>
public sealed class CommandConfigurationTests
{
    [Fact]
    public void ACommandReadsTheSameAppsettingsFilesAsTheServerWithoutWatchingThem()
    {
        var data = Cli.Cli.NewDataDirectory();
        string[] args = [$"--DataDirectory={data}", "--Database:Provider=Sqlite"];
        try
        {
            var server = JsonSources(Program.CreateBuilder(args).Configuration);
            var command = JsonSources(Program.CreateCommandBuilder(args).Configuration);

            Assert.NotEmpty(server);
            Assert.Equal(server.Select(s => s.Path), command.Select(s => s.Path));
            Assert.All(server, s => Assert.True(s.ReloadOnChange, $"the server stopped watching {s.Path}"));
            Assert.All(command, s => Assert.False(s.ReloadOnChange, $"a command watches {s.Path}"));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static List<FileConfigurationSource> JsonSources(IConfiguration configuration) =>
        [.. ((IConfigurationRoot)configuration).Providers.OfType<JsonConfigurationProvider>().Select(p => p.Source)];
}
