using System.Security.Cryptography;

namespace CallEvents.Dispatch.Queue;

/// <summary>
/// A delivery's id (its <c>webhook-id</c> after <c>msg_</c>): 24 characters [0-9A-Za-z], as
/// before, of which the first 8 are the time it was queued (Unix milliseconds in base 62, digits
/// before capitals before small letters: ASCII order, so ids sort by time under SQLite's binary
/// collation) and the other 16 random from the OS's cryptographic source (~95 bits: unguessable).
/// Why: the ids are the key of the unique index <c>ix_deliveries_id</c>, and random ones put
/// each of an intake's hundreds of rows on its own leaf page of that index, all written to the
/// WAL at the commit and read back first when not cached; ids that follow time put an intake's
/// rows on the index's last page or two (bench/README.md, Deliveries: the send path (session 6)).
/// The time says no more than the delivery log says to the tenant the delivery belongs to.
/// </summary>
public static class DeliveryId
{
    public const int Length = 24;
    private const int TimeLength = 8; // 62^8 ms: about 6,900 years
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string New(long unixMilliseconds) => string.Create(Length, Math.Max(0, unixMilliseconds), static (id, time) =>
    {
        for (var i = TimeLength - 1; i >= 0; i--)
        {
            id[i] = Digits[(int)(time % Digits.Length)];
            time /= Digits.Length;
        }
        RandomNumberGenerator.GetItems(Digits, id[TimeLength..]);
    });
}
