using CallEvents.Dispatch.Queue;

namespace CallEvents.Tests.Dispatch.Queue;

/// <summary>Delivery ids follow the time they were queued (so an intake's rows share the id index's last pages) and stay unguessable.</summary>
public sealed class DeliveryIdTests
{
    [Fact]
    public void AnIdIsTwentyFourLettersAndDigitsAndALaterMillisecondsIdSortsAfterAnEarliersInBinaryOrder()
    {
        var now = new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        long[] times = [0, 61, 62, now - 1, now, now + 1, now + 3_600_000, now * 100];
        var ids = times.Select(DeliveryId.New).ToList();

        Assert.All(ids, id => Assert.Matches("^[0-9A-Za-z]{24}$", id));
        for (var i = 1; i < ids.Count; i++)
        {
            // Ordinal is SQLite's binary collation: the order of the unique index on deliveries.id.
            Assert.True(string.CompareOrdinal(ids[i - 1], ids[i]) < 0, $"{ids[i - 1]} ({times[i - 1]}) should sort before {ids[i]} ({times[i]})");
        }
    }

    [Fact]
    public void IdsOfTheSameMillisecondShareTheirTimeAndDifferInTheirSixteenRandomCharacters()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => DeliveryId.New(1_764_619_200_000)).ToList();

        Assert.Single(ids.Select(id => id[..8]).Distinct());
        Assert.Equal(1000, ids.Distinct().Count());
        // Every character of the random part varies (none is left fixed, as a counter's would be).
        for (var position = 8; position < 24; position++)
        {
            Assert.True(ids.Select(id => id[position]).Distinct().Count() > 20, $"position {position} barely varies");
        }
    }
}
