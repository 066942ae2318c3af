using System.Net;
using System.Text;
using CallEvents.OAuth.Tokens;
using CallEvents.Storage.Secrets;
using CallEvents.Tests.Dispatch;
using CallEvents.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace CallEvents.Tests.Secrets;

/// <summary>
/// The token signing key and apps' signing secrets are sealed in the database with a key kept
/// outside it (Storage/Secrets/SecretsKey.cs): what is stored is not the secret, and a sealed value
/// that was altered, or moved to another app's row, is refused, never used.
/// </summary>
public sealed class SealedSecretsTests
{
    [Fact]
    public async Task TheTokenSigningKeyAndAppsSigningSecretsAreStoredSealedAndNotInTheClear()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var user = host.ClientWith(await host.TokenAsync(a => a.User)); // the signing key is made for the first token
        var pem = ((ECDsaSecurityKey)host.Services.GetRequiredService<SigningKeys>().Signing.Key).ECDsa.ExportPkcs8PrivateKeyPem();
        var pemBody = pem.Split('\n')[1]; // a line of the key's base64
        string[] signingSecrets = [host.Demo.Apps!.Admin.SigningSecret!, host.Demo.Apps.Organization.SigningSecret!, host.Demo.Apps.User.SigningSecret!];

        var keys = await RawDatabase.RowsAsync(host, "SELECT id, material FROM server_keys");
        var key = Assert.Single(keys);
        Assert.Equal(SigningKeyStore.EcdsaKeyId, key[0]);
        Assert.StartsWith(SecretsKey.Prefix, key[1]);
        Assert.DoesNotContain("PRIVATE KEY", key[1], StringComparison.Ordinal);
        Assert.DoesNotContain(pemBody, key[1], StringComparison.Ordinal);
        var stored = await RawDatabase.RowsAsync(host, "SELECT client_id, secret, previous_secret FROM app_signing_secrets");
        Assert.Equal(3, stored.Count);
        Assert.All(stored, row => Assert.StartsWith(SecretsKey.Prefix, row[1]));
        Assert.All(stored, row => Assert.All(signingSecrets, secret => Assert.DoesNotContain(secret["whsec_".Length..], row[1], StringComparison.Ordinal)));

        if (!TestDatabase.IsPostgres)
        {
            // The files themselves, WAL included, as a copy of the data directory would hold them.
            var bytes = Encoding.ASCII.GetString([.. ReadShared(Path.Combine(host.DataDirectory, "callevents.db")), .. ReadShared(Path.Combine(host.DataDirectory, "callevents.db-wal"))]);
            Assert.DoesNotContain(pemBody, bytes, StringComparison.Ordinal);
            Assert.All(signingSecrets, secret => Assert.DoesNotContain(secret["whsec_".Length..], bytes, StringComparison.Ordinal));
        }

        // What the app is shown, and what signs its deliveries, is still the secret itself.
        Assert.Equal(host.Demo.Apps.User.SigningSecret, await DispatchCalls.SigningSecretAsync(user));
    }

    [Fact]
    public async Task AnAlteredSigningSecretOrOneMovedFromAnotherAppsRowIsRefusedAndNeverShown()
    {
        await using var host = await CallEventsHost.StartAsync();
        using var user = host.ClientWith(await host.TokenAsync(a => a.User));
        var userId = host.Demo.Apps!.User.ClientId;
        var original = await StoredSecretAsync(host, userId);
        var organizations = await StoredSecretAsync(host, host.Demo.Apps.Organization.ClientId);
        Assert.Equal(host.Demo.Apps.User.SigningSecret, await DispatchCalls.SigningSecretAsync(user)); // now opened and remembered

        // One character of the ciphertext changed (another base64 character: still well formed).
        var at = original.Length / 2;
        var altered = original[..at] + (original[at] == 'A' ? 'B' : 'A') + original[(at + 1)..];
        foreach (var tampered in new[] { altered, organizations })
        {
            await RawDatabase.ExecuteAsync(host, "UPDATE app_signing_secrets SET secret = @secret WHERE client_id = @id", ("secret", tampered), ("id", userId));
            using var refused = await user.GetAsync("/uapi/apps/@me/signingSecret");
            var body = await refused.Content.ReadAsStringAsync();
            await UapiCalls.AssertErrorAsync(refused, HttpStatusCode.InternalServerError, "internal_server_error");
            Assert.DoesNotContain("whsec_", body, StringComparison.Ordinal);
        }

        var key = host.Services.GetRequiredService<SecretsKey>();
        Assert.Throws<SecretsKeyException>(() => key.Open(organizations, SealedValues.AppSigningSecret(userId)));
        Assert.Equal(host.Demo.Apps.Organization.SigningSecret, key.Open(organizations, SealedValues.AppSigningSecret(host.Demo.Apps.Organization.ClientId)));
        await RawDatabase.ExecuteAsync(host, "UPDATE app_signing_secrets SET secret = @secret WHERE client_id = @id", ("secret", original), ("id", userId));
        Assert.Equal(host.Demo.Apps.User.SigningSecret, await DispatchCalls.SigningSecretAsync(user));
    }

    [Fact]
    public async Task ADeliveryOfAnAppWhoseSecretDoesNotOpenWaitsInsteadOfGoingOutUnsignedAndOtherAppsDeliveriesGoOut()
    {
        // A short lease: a delivery left out is claimed again (and left out again) every 2 s.
        await using var host = await CallEventsHost.StartAsync([.. DispatchCalls.AllowLoopback, "Delivery:LeaseDuration=00:00:02"]);
        await using var receiver = await Receiver.StartAsync();
        using var admin = host.ClientWith(await host.TokenAsync(a => a.Admin));
        using var user = host.ClientWith(await host.TokenAsync(a => a.User));
        using var organization = host.ClientWith(await host.TokenAsync(a => a.Organization));
        await UapiCalls.CreateAsync(user, "@me", "0003*210", type: 0, method: 1, url: receiver.Url("/user"));
        await UapiCalls.CreateAsync(organization, "@owner", "0003*210", type: 0, method: 1, url: receiver.Url("/organization"));
        var userId = host.Demo.Apps!.User.ClientId;
        var original = await StoredSecretAsync(host, userId);
        await RawDatabase.ExecuteAsync(host, "UPDATE app_signing_secrets SET secret = @secret WHERE client_id = @id",
            ("secret", await StoredSecretAsync(host, host.Demo.Apps.Organization.ClientId)), ("id", userId));

        await DispatchCalls.ReportAsync(admin, DispatchCalls.Event("call-sealed", "dial-in", "0003*210"));
        var first = await receiver.NextAsync();
        Assert.Equal("/organization", first.RawTarget);
        AssertSignedWith(host.Demo.Apps.Organization.SigningSecret!, first);
        Assert.False(await receiver.AnyMoreAsync(5000)); // two leases and more: the user app's delivery did not go out

        await RawDatabase.ExecuteAsync(host, "UPDATE app_signing_secrets SET secret = @secret WHERE client_id = @id", ("secret", original), ("id", userId));
        var waited = await receiver.NextAsync();
        Assert.Equal("/user", waited.RawTarget);
        AssertSignedWith(host.Demo.Apps.User.SigningSecret!, waited);
    }

    private static void AssertSignedWith(string secret, ReceivedRequest request) =>
        Assert.Equal(DispatchCalls.ExpectedSignature(secret, request.Header("webhook-id"), request.Header("webhook-timestamp"), request.BodyText),
            request.Header("webhook-signature"));

    private static async Task<string> StoredSecretAsync(CallEventsHost host, string clientId) =>
        (await RawDatabase.RowsAsync(host, "SELECT secret FROM app_signing_secrets WHERE client_id = @id", ("id", clientId))).Single()[0]!;

    private static byte[] ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
