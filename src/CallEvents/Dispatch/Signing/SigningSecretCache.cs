using System.Collections.Concurrent;
using CallEvents.Storage.Secrets;

namespace CallEvents.Dispatch.Signing;

/// <summary>
/// Apps' signing secrets in the clear, as signing needs them, while the database keeps them
/// sealed (Storage/Secrets/SecretsKey.cs). The sender signs every delivery, and reads its apps'
/// rows once per claimed batch (Sending/DeliveryTargets); each stored value is opened once and remembered, keyed
/// by the app and checked against the stored (sealed) text, so a rotation anywhere, which stores
/// a new sealed value, is a miss and never a stale secret. A claimed batch costs a string
/// comparison per app, not an AES-GCM operation.
/// </summary>
public sealed class SigningSecretCache(SecretsKey key, ILogger<SigningSecretCache> logger)
{
    /// <summary>Bounds memory against a flood of distinct apps: beyond it the cache starts over.</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Opened> _byClientId = new(StringComparer.Ordinal);

    /// <summary>A row as stored, and what its values open to.</summary>
    private sealed record Opened(string StoredSecret, string? StoredPrevious, string Secret, string? Previous);

    /// <summary>What an app's secret is stored as: sealed, bound to the app's row.</summary>
    public string Seal(string clientId, string secret) => key.Seal(secret, SealedValues.AppSigningSecret(clientId));

    /// <summary>The row's current and previous secrets in the clear.</summary>
    public (string Secret, string? Previous) Open(AppSigningSecret row)
    {
        if (_byClientId.TryGetValue(row.ClientId, out var known) && known.StoredSecret == row.Secret && known.StoredPrevious == row.PreviousSecret)
        {
            return (known.Secret, known.Previous);
        }
        var context = SealedValues.AppSigningSecret(row.ClientId);
        var opened = new Opened(row.Secret, row.PreviousSecret, key.Open(row.Secret, context),
            row.PreviousSecret is null ? null : key.Open(row.PreviousSecret, context));
        if (_byClientId.Count >= MaxEntries)
        {
            _byClientId.Clear();
        }
        _byClientId[row.ClientId] = opened;
        return (opened.Secret, opened.Previous);
    }

    /// <summary>
    /// The secrets that sign these apps' deliveries now: the current one, and the previous one
    /// during its grace period. An app whose stored secret does not open (altered in the database)
    /// is left out and named in <c>Unopenable</c>, with an error logged: its deliveries must wait,
    /// not go out unsigned, and must not hold up other apps' deliveries.
    /// </summary>
    public (Dictionary<string, IReadOnlyList<string>> Secrets, HashSet<string> Unopenable) ForRows(IReadOnlyCollection<AppSigningSecret> rows, long now)
    {
        var secrets = new Dictionary<string, IReadOnlyList<string>>(rows.Count, StringComparer.Ordinal);
        var unopenable = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            try
            {
                var (secret, previous) = Open(row);
                secrets[row.ClientId] = previous is not null && row.PreviousValidUntil > now ? [secret, previous] : [secret];
            }
            catch (SecretsKeyException e)
            {
                logger.LogError("The deliveries of app {ClientId} wait: {Reason}", row.ClientId, e.Message);
                unopenable.Add(row.ClientId);
            }
        }
        return (secrets, unopenable);
    }
}
