using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CallEvents.OAuth.Tokens;
using CallEvents.Storage;
using CallEvents.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace CallEvents.Tests.OAuth;

/// <summary>
/// The token signing key (OAuth/Tokens/SigningKeyStore.cs): ES256, one per database, shared by every
/// node; the RSA-2048 key of an earlier version keeps verifying the tokens it signed.
/// </summary>
public sealed class SigningKeyTests
{
    private static readonly string List = UapiCalls.Events("@me", "0003*210");

    [Fact]
    public async Task NewTokensAreSignedWithTheDatabasesEs256Key()
    {
        await using var host = await CallEventsHost.StartAsync();
        var token = await host.TokenAsync(a => a.User);

        using var header = JsonDocument.Parse(Base64UrlEncoder.Decode(token.Split('.')[0]));
        Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        Assert.Equal(SigningKeyStore.EcdsaKeyId, header.RootElement.GetProperty("kid").GetString());

        using var scope = host.Services.CreateScope();
        var ids = await scope.ServiceProvider.GetRequiredService<CallEventsDb>().ServerKeys.Select(k => k.Id).ToListAsync();
        Assert.Equal([SigningKeyStore.EcdsaKeyId], ids); // a new database gets no RSA key
    }

    [Fact]
    public async Task ADatabaseWithTheRsaKeyOfAnEarlierVersionSignsWithEs256AndStillAcceptsTokensTheRsaKeySigned()
    {
        using var legacy = RSA.Create(2048);
        await using var host = await CallEventsHost.StartAsync(configureServices: services =>
            // The database as an earlier version left it: its RSA key in server_keys before this
            // version first loads the keys.
            services.AddSingleton(provider =>
            {
                using (var scope = provider.CreateScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<CallEventsDb>();
                    db.ServerKeys.Add(new ServerKey { Id = SigningKeyStore.LegacyRsaKeyId, Material = legacy.ExportPkcs8PrivateKeyPem(), CreatedAt = DateTimeOffset.UtcNow });
                    db.SaveChanges();
                }
                return SigningKeyStore.Load(provider);
            }));

        var issued = await host.TokenAsync(a => a.User);
        using (var header = JsonDocument.Parse(Base64UrlEncoder.Decode(issued.Split('.')[0])))
        {
            Assert.Equal("ES256", header.RootElement.GetProperty("alg").GetString());
        }

        // The same claims (and so the same token entry), signed as the earlier version signed them.
        var payload = issued.Split('.')[1];
        using (var client = host.ClientWith(SignRs256(payload, legacy, SigningKeyStore.LegacyRsaKeyId)))
        using (var response = await client.GetAsync(List))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // Signed by any other RSA key under that name: refused, so the stored key is what verified.
        using var stranger = RSA.Create(2048);
        using (var client = host.ClientWith(SignRs256(payload, stranger, SigningKeyStore.LegacyRsaKeyId)))
        using (var response = await client.GetAsync(List))
        {
            await UapiCalls.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "access_denied");
        }
    }

    [Fact]
    public async Task NodesCreatingTheKeyAtTheSameTimeAllEndUpWithOneKey()
    {
        await using var host = await CallEventsHost.StartAsync();
        using (var scope = host.Services.CreateScope())
        {
            // Whatever this host made already: the race below starts from a database without a key.
            await scope.ServiceProvider.GetRequiredService<CallEventsDb>().ServerKeys.ExecuteDeleteAsync();
        }

        var loaded = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => SigningKeyStore.Load(host.Services))));

        var publicKeys = loaded
            .Select(keys => Convert.ToBase64String(((ECDsaSecurityKey)keys.Signing.Key).ECDsa.ExportSubjectPublicKeyInfo()))
            .Distinct()
            .ToList();
        Assert.Single(publicKeys);
        using var check = host.Services.CreateScope();
        Assert.Equal(1, await check.ServiceProvider.GetRequiredService<CallEventsDb>().ServerKeys.CountAsync());
    }

    private static string SignRs256(string payload, RSA key, string keyId)
    {
        var header = Base64UrlEncoder.Encode(JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["alg"] = "RS256",
            ["kid"] = keyId,
            ["typ"] = "at+jwt",
        }));
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Base64UrlEncoder.Encode(signature)}";
    }
}
