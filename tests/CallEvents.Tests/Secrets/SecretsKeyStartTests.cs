using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallEvents.OAuth.Tokens;
using CallEvents.Storage.Secrets;
using CallEvents.Tests.Infrastructure;
using CallEvents.Tests.ScaleOut;
using Microsoft.IdentityModel.Tokens;

namespace CallEvents.Tests.Secrets;

/// <summary>
/// <c>serve</c> with the secrets key (Hosting/Startup/SecretsGate.cs), as a real process on a SQLite
/// data directory: a database an earlier version left in the clear keeps working and is sealed;
/// with sealed secrets present, a missing or wrong key stops the start with one line, and no
/// new key is ever made over them; <c>CALLEVENTS_SECRETS_KEY</c> stands in for the key file.
/// </summary>
public sealed class SecretsKeyStartTests
{
    [Fact]
    public async Task ADatabaseAnEarlierVersionLeftInTheClearKeepsWorkingAndIsSealedAtTheNextStart()
    {
        var data = Cli.Cli.NewDataDirectory();
        var demo = await DemoAsync(data);
        // The database as an earlier version left it: every secret in the clear, and no key file.
        using var signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = signingKey.ExportPkcs8PrivateKeyPem();
        var plain = new Dictionary<string, string>();
        foreach (var app in new[] { "admin", "organization", "user" })
        {
            plain[app] = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            await RawDatabase.ExecuteAsync(RawDatabase.SqliteFile(data), "UPDATE app_signing_secrets SET secret = @secret WHERE client_id = @id",
                ("secret", plain[app]), ("id", ClientId(demo, app)));
        }
        var previous = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await RawDatabase.ExecuteAsync(RawDatabase.SqliteFile(data),
            "UPDATE app_signing_secrets SET previous_secret = @previous, previous_valid_until = @until WHERE client_id = @id",
            ("previous", previous), ("until", DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds()), ("id", ClientId(demo, "organization")));
        await RawDatabase.ExecuteAsync(RawDatabase.SqliteFile(data), "INSERT INTO server_keys (id, material, created_at) VALUES (@id, @material, @created)",
            ("id", SigningKeyStore.EcdsaKeyId), ("material", pem), ("created", "2026-11-01 00:00:00+00:00"));
        File.Delete(KeyFile(data));

        await using (var node = await NodeProcess.ServeAsync("plaintext", data, [], migrate: false))
        {
            var token = await TwoNodesFixture.TokenAsync(node, ClientId(demo, "user"), ClientSecret(demo, "user"));
            Assert.True(VerifiesWith(signingKey, token), "the token is not signed with the key the database held in the clear");
            using var user = TwoNodesFixture.ClientWith(node, token);
            Assert.Equal(plain["user"], (await SigningSecretAsync(user)).GetProperty("signingSecret").GetString());
            using var organization = TwoNodesFixture.ClientWith(node, await TwoNodesFixture.TokenAsync(node, ClientId(demo, "organization"), ClientSecret(demo, "organization")));
            var organizations = await SigningSecretAsync(organization);
            Assert.Equal(plain["organization"], organizations.GetProperty("signingSecret").GetString());
            Assert.Equal(previous, organizations.GetProperty("previousSigningSecret").GetString());
            Assert.Contains("Sealed 5 secrets", node.Output, StringComparison.Ordinal);
        }

        var material = (await RawDatabase.RowsAsync(RawDatabase.SqliteFile(data), "SELECT material FROM server_keys")).Single()[0]!;
        Assert.StartsWith(SecretsKey.Prefix, material);
        Assert.DoesNotContain("PRIVATE KEY", material, StringComparison.Ordinal);
        var rows = await RawDatabase.RowsAsync(RawDatabase.SqliteFile(data), "SELECT secret, previous_secret FROM app_signing_secrets");
        Assert.Equal(3, rows.Count);
        Assert.All(rows.SelectMany(row => row).OfType<string>(), value => Assert.StartsWith(SecretsKey.Prefix, value));
        Assert.True(File.Exists(KeyFile(data)));
    }

    [Fact]
    public async Task WithSealedSecretsAMissingOrWrongKeyStopsServeWithOneLineAndNoNewKeyIsMade()
    {
        var data = Cli.Cli.NewDataDirectory();
        var demo = await DemoAsync(data);
        await using (var first = await NodeProcess.ServeAsync("first", data, [], migrate: false))
        {
            await TwoNodesFixture.TokenAsync(first, ClientId(demo, "user"), ClientSecret(demo, "user")); // the signing key, sealed
        }
        var key = await File.ReadAllBytesAsync(KeyFile(data));
        var before = Cli.Cli.DumpDatabase(data);

        File.Delete(KeyFile(data));
        var missing = await RefusedStartAsync(data, environment: null);
        Assert.Contains($"The secrets key file {KeyFile(data)} does not exist", missing, StringComparison.Ordinal);
        Assert.False(File.Exists(KeyFile(data)));

        var wrong = RandomNumberGenerator.GetBytes(32);
        await File.WriteAllBytesAsync(KeyFile(data), wrong);
        var refused = await RefusedStartAsync(data, environment: null);
        Assert.Contains($"The secrets key ({KeyFile(data)}) does not open the stored secret", refused, StringComparison.Ordinal);
        Assert.Equal(wrong, await File.ReadAllBytesAsync(KeyFile(data)));
        var command = await NodeProcess.RunAsync(data, "apps", "signing-secret", "--client-id", ClientId(demo, "user"), $"--DataDirectory={data}");
        Assert.Equal(2, command.ExitCode);
        Assert.Equal("", command.Output.Trim());
        Assert.Contains("does not open the stored secret", OneLine(command.Error), StringComparison.Ordinal);

        var malformed = await RefusedStartAsync(data, new Dictionary<string, string?> { [SecretsKeySource.Variable] = "not a key" });
        Assert.Contains($"{SecretsKeySource.Variable} is not the base64 of 32 bytes", malformed, StringComparison.Ordinal);
        Assert.Equal(before, Cli.Cli.DumpDatabase(data)); // nothing was made or sealed anew

        // The right key through the variable, the file gone: the node serves, the demo's secrets work.
        File.Delete(KeyFile(data));
        await using var node = await NodeProcess.ServeAsync("variable", data, [], migrate: false,
            environment: new Dictionary<string, string?> { [SecretsKeySource.Variable] = Convert.ToBase64String(key) });
        using var user = TwoNodesFixture.ClientWith(node, await TwoNodesFixture.TokenAsync(node, ClientId(demo, "user"), ClientSecret(demo, "user")));
        Assert.Equal(SigningSecret(demo, "user"), (await SigningSecretAsync(user)).GetProperty("signingSecret").GetString());
        Assert.False(File.Exists(KeyFile(data)));
    }

    /// <summary>A serve that must exit 2 before serving; the one line it printed about the key.</summary>
    private static async Task<string> RefusedStartAsync(string data, IReadOnlyDictionary<string, string?>? environment)
    {
        await using var node = await NodeProcess.ServeAsync("refused", data, [], migrate: false, waitUntilServing: false, environment: environment);
        Assert.Equal(2, await node.WaitForExitAsync());
        Assert.DoesNotContain("CallEvents is listening", node.Output, StringComparison.Ordinal);
        return OneLine(node.Output);
    }

    /// <summary>The output's one line about the secrets key; no stack trace anywhere.</summary>
    private static string OneLine(string output)
    {
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output, StringComparison.Ordinal);
        return Assert.Single(output.Split('\n'), line => line.Contains("secrets key", StringComparison.Ordinal) || line.Contains(SecretsKeySource.Variable, StringComparison.Ordinal));
    }

    private static async Task<JsonElement> DemoAsync(string data)
    {
        var result = await Cli.Cli.RunAsync(data, "demo", "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.Clone();
    }

    private static async Task<JsonElement> SigningSecretAsync(HttpClient app)
    {
        using var response = await app.GetAsync("/uapi/apps/@me/signingSecret");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await UapiCalls.ReadJsonAsync(response);
    }

    private static string KeyFile(string data) => Path.Combine(data, SecretsKeySource.DefaultFileName);

    private static string ClientId(JsonElement demo, string app) => demo.GetProperty("apps").GetProperty(app).GetProperty("clientId").GetString()!;

    private static string ClientSecret(JsonElement demo, string app) => demo.GetProperty("apps").GetProperty(app).GetProperty("clientSecret").GetString()!;

    private static string SigningSecret(JsonElement demo, string app) => demo.GetProperty("apps").GetProperty(app).GetProperty("signingSecret").GetString()!;

    private static bool VerifiesWith(ECDsa key, string token)
    {
        var parts = token.Split('.');
        return key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64UrlEncoder.DecodeBytes(parts[2]), HashAlgorithmName.SHA256);
    }
}
