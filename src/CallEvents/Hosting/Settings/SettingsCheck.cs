using System.Globalization;
using System.Runtime.CompilerServices;

namespace CallEvents.Hosting.Settings;

/// <summary>
/// The problems found in one group of settings, each one line naming the key (<c>Section:Key</c>)
/// and what is wrong. The key is the property's name, as written in the call.
/// </summary>
public sealed class SettingsCheck(string section)
{
    private readonly List<string> _problems = [];

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The configuration key of a property of this group.</summary>
    public string Key(string property) => section.Length == 0 ? property : $"{section}:{property}";

    /// <summary>Reports <paramref name="problem"/> ("must be …") for <paramref name="property"/> unless <paramref name="valid"/>.</summary>
    public void That(bool valid, string property, string problem)
    {
        if (!valid)
        {
            _problems.Add($"{Key(property)} {problem}.");
        }
    }

    public void AtLeast(long value, long minimum, [CallerArgumentExpression(nameof(value))] string property = "") =>
        That(value >= minimum, property, $"must be {minimum} or more; it is {value}");

    public void Between(double value, double minimum, double maximum, [CallerArgumentExpression(nameof(value))] string property = "") =>
        That(value >= minimum && value <= maximum, property,
            string.Create(CultureInfo.InvariantCulture, $"must be between {minimum} and {maximum}; it is {value}"));

    /// <summary>A length of time that must be more than zero (and at most <paramref name="maximum"/>, e.g. what a timer accepts).</summary>
    public void Positive(TimeSpan value, TimeSpan? maximum = null, [CallerArgumentExpression(nameof(value))] string property = "") =>
        That(value > TimeSpan.Zero && (maximum is null || value <= maximum), property, maximum is null
            ? $"must be more than 00:00:00; it is {value:c}"
            : $"must be more than 00:00:00 and at most {maximum:c}; it is {value:c}");

    public void NotNegative(TimeSpan value, [CallerArgumentExpression(nameof(value))] string property = "") =>
        That(value >= TimeSpan.Zero, property, $"must not be negative; it is {value:c}");

    /// <summary>A list of networks in CIDR notation (the one form every network setting takes); read them with <see cref="NetworksOf"/>.</summary>
    public void Networks(IReadOnlyList<string> items, [CallerArgumentExpression(nameof(items))] string property = "") =>
        Each(items, cidr => System.Net.IPNetwork.TryParse(cidr.Trim(), out _), "must be a network in CIDR notation (127.0.0.0/8, fd00::/8)", property);

    /// <summary>The networks of a list that <see cref="Networks"/> has checked.</summary>
    public static System.Net.IPNetwork[] NetworksOf(IEnumerable<string> items) =>
        [.. items.Select(cidr => System.Net.IPNetwork.Parse(cidr.Trim()))];

    /// <summary>Checks every item of a list setting; the key names the item (<c>Delivery:RetrySchedule:2</c>).</summary>
    public void Each<TItem>(IReadOnlyList<TItem> items, Func<TItem, bool> valid, string problem, [CallerArgumentExpression(nameof(items))] string property = "")
    {
        for (var i = 0; i < items.Count; i++)
        {
            That(valid(items[i]), $"{property}:{i}", string.Create(CultureInfo.InvariantCulture, $"{problem}; it is {items[i]}"));
        }
    }
}
