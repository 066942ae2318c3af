using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CallEvents.Tests.Operations;

/// <summary>One sample line: its name (with any _bucket/_sum/_count suffix), labels and value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, long? Timestamp)
{
    public bool Has(params (string Name, string Value)[] labels) =>
        labels.All(l => Labels.TryGetValue(l.Name, out var value) && value == l.Value);
}

/// <summary>A metric family: what its # TYPE and # HELP lines said, and its samples in order.</summary>
public sealed record PrometheusFamily(string Name, string Type, string? Help, IReadOnlyList<PrometheusSample> Samples);

/// <summary>
/// A strict parser of the Prometheus text exposition format (version 0.0.4), so that a test can
/// hold /metrics to the grammar a real Prometheus server parses it with. There is no .NET
/// parser to borrow, and the server's exporter must not be checked with its own code. On top of
/// the grammar it checks what Prometheus relies on: every sample belongs to a family declared by
/// # TYPE before it (the format allows untyped samples; a server that means to be scraped should
/// not emit them), a family's lines are one group, no series appears twice, and a histogram's
/// buckets are cumulative, end with le="+Inf" equal to _count, and come with _sum and _count.
/// Anything else throws <see cref="FormatException"/> naming the line.
/// </summary>
public static partial class PrometheusText
{
    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();

    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public static IReadOnlyDictionary<string, PrometheusFamily> Parse(string text)
    {
        var families = new Dictionary<string, (string? Type, string? Help, List<PrometheusSample> Samples)>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal); // families whose group has ended
        var series = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index];
            var where = $"line {index + 1}: {line}";
            if (line.Length == 0)
            {
                continue;
            }
            if (line.EndsWith('\r'))
            {
                throw new FormatException($"{where}: lines end with \\n alone");
            }
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length >= 3 && parts[0] == "#" && parts[1] is "HELP" or "TYPE")
                {
                    var name = parts[2];
                    if (!MetricName().IsMatch(name))
                    {
                        throw new FormatException($"{where}: invalid metric name in # {parts[1]}");
                    }
                    Enter(name, where);
                    var family = families.GetValueOrDefault(name, (null, null, []));
                    if (parts[1] == "TYPE")
                    {
                        if (parts.Length != 4 || !Types.Contains(parts[3]))
                        {
                            throw new FormatException($"{where}: # TYPE needs one of {string.Join(", ", Types)}");
                        }
                        if (family.Type is not null || family.Samples.Count > 0)
                        {
                            throw new FormatException($"{where}: # TYPE must come once, before the family's samples");
                        }
                        family.Type = parts[3];
                    }
                    else
                    {
                        if (family.Help is not null)
                        {
                            throw new FormatException($"{where}: a second # HELP");
                        }
                        family.Help = UnescapeHelp(parts.Length == 4 ? parts[3] : "", where);
                    }
                    families[name] = family;
                }
                continue; // any other # line is a comment
            }

            var sample = ParseSample(line, where);
            var familyName = FamilyOf(sample.Name, families);
            if (familyName is null || families[familyName].Type is null)
            {
                throw new FormatException($"{where}: the sample's family has no # TYPE before it");
            }
            Enter(familyName, where);
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!series.Add(key))
            {
                throw new FormatException($"{where}: the series {key} appears twice");
            }
            families[familyName].Samples.Add(sample);
        }

        var result = families.ToDictionary(f => f.Key, f => new PrometheusFamily(f.Key, f.Value.Type ?? "untyped", f.Value.Help, f.Value.Samples), StringComparer.Ordinal);
        foreach (var family in result.Values)
        {
            Check(family);
        }
        return result;

        // A family's lines are one group: once another family's line came, it may not resume.
        void Enter(string name, string where)
        {
            if (current == name)
            {
                return;
            }
            if (finished.Contains(name))
            {
                throw new FormatException($"{where}: the lines of {name} are not one group");
            }
            if (current is not null)
            {
                finished.Add(current);
            }
            current = name;
        }
    }

    /// <summary>The family a sample name belongs to: itself, or a histogram's/summary's name before _bucket, _sum, _count.</summary>
    private static string? FamilyOf(string sampleName, Dictionary<string, (string? Type, string? Help, List<PrometheusSample> Samples)> families)
    {
        if (families.TryGetValue(sampleName, out var same) && same.Type is not "histogram")
        {
            return sampleName;
        }
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sampleName[..^suffix.Length], out var family)
                && (family.Type == "histogram" || (family.Type == "summary" && suffix != "_bucket")))
            {
                return sampleName[..^suffix.Length];
            }
        }
        return null;
    }

    /// <summary>name [{label="value",…}] value [timestamp]</summary>
    private static PrometheusSample ParseSample(string line, string where)
    {
        var position = 0;
        while (position < line.Length && line[position] is not ('{' or ' '))
        {
            position++;
        }
        var name = line[..position];
        if (!MetricName().IsMatch(name))
        {
            throw new FormatException($"{where}: invalid metric name");
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (position < line.Length && line[position] == '{')
        {
            position++;
            while (true)
            {
                if (position < line.Length && line[position] == '}')
                {
                    position++;
                    break; // also after a trailing comma, which the format allows
                }
                var equals = line.IndexOf('=', position);
                if (equals < 0)
                {
                    throw new FormatException($"{where}: a label without '='");
                }
                var labelName = line[position..equals];
                if (!LabelName().IsMatch(labelName) || labelName.StartsWith("__", StringComparison.Ordinal))
                {
                    throw new FormatException($"{where}: invalid label name '{labelName}'");
                }
                if (equals + 1 >= line.Length || line[equals + 1] != '"')
                {
                    throw new FormatException($"{where}: a label value must be quoted");
                }
                var (value, end) = ReadQuoted(line, equals + 2, where);
                if (!labels.TryAdd(labelName, value))
                {
                    throw new FormatException($"{where}: the label {labelName} twice");
                }
                position = end;
                if (position < line.Length && line[position] == ',')
                {
                    position++;
                }
                else if (position >= line.Length || line[position] != '}')
                {
                    throw new FormatException($"{where}: expected ',' or '}}' after a label");
                }
            }
        }
        if (position >= line.Length || line[position] != ' ')
        {
            throw new FormatException($"{where}: expected a space before the value");
        }
        var rest = line[(position + 1)..].Split(' ');
        if (rest.Length is < 1 or > 2 || rest.Any(r => r.Length == 0))
        {
            throw new FormatException($"{where}: expected a value and at most a timestamp, separated by one space");
        }
        long? timestamp = null;
        if (rest.Length == 2)
        {
            timestamp = long.TryParse(rest[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms)
                ? ms
                : throw new FormatException($"{where}: the timestamp must be integer milliseconds");
        }
        return new PrometheusSample(name, labels, ParseValue(rest[0], where), timestamp);
    }

    /// <summary>Go's ParseFloat as Prometheus uses it: decimal or exponent notation, +Inf, -Inf, NaN.</summary>
    public static double ParseValue(string text, string where) => text switch
    {
        "+Inf" or "Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ when Regex.IsMatch(text, @"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$") => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
        _ => throw new FormatException($"{where}: '{text}' is not a value"),
    };

    /// <summary>A quoted label value from <paramref name="start"/> (after the quote); the escapes are \\, \" and \n only.</summary>
    private static (string Value, int End) ReadQuoted(string line, int start, string where)
    {
        var value = new StringBuilder();
        for (var i = start; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '"':
                    return (value.ToString(), i + 1);
                case '\\' when i + 1 < line.Length:
                    i++;
                    value.Append(line[i] switch
                    {
                        '\\' => '\\',
                        '"' => '"',
                        'n' => '\n',
                        _ => throw new FormatException($"{where}: invalid escape \\{line[i]} in a label value"),
                    });
                    break;
                default:
                    value.Append(line[i]);
                    break;
            }
        }
        throw new FormatException($"{where}: an unterminated label value");
    }

    /// <summary># HELP's text: the escapes are \\ and \n.</summary>
    private static string UnescapeHelp(string text, string where)
    {
        var value = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\')
            {
                value.Append(text[i]);
                continue;
            }
            if (++i >= text.Length || text[i] is not ('\\' or 'n'))
            {
                throw new FormatException($"{where}: invalid escape in # HELP");
            }
            value.Append(text[i] == 'n' ? '\n' : text[i]);
        }
        return value.ToString();
    }

    /// <summary>What each type promises: counters never negative; histograms whole, cumulative and consistent.</summary>
    private static void Check(PrometheusFamily family)
    {
        switch (family.Type)
        {
            case "counter":
                foreach (var sample in family.Samples)
                {
                    if (sample.Name != family.Name || sample.Value < 0 || double.IsNaN(sample.Value))
                    {
                        throw new FormatException($"{family.Name}: a counter's sample must be named as its family and not negative ({sample.Name} {sample.Value})");
                    }
                }
                break;
            case "histogram":
                CheckHistogram(family);
                break;
        }
    }

    private static void CheckHistogram(PrometheusFamily family)
    {
        if (family.Samples.Any(s => s.Name == family.Name))
        {
            throw new FormatException($"{family.Name}: a histogram has only _bucket, _sum and _count samples");
        }
        foreach (var group in family.Samples.GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)), StringComparer.Ordinal))
        {
            var where = $"{family.Name}{{{group.Key}}}";
            var buckets = group.Where(s => s.Name == family.Name + "_bucket").ToList();
            var sum = group.SingleOrDefault(s => s.Name == family.Name + "_sum") ?? throw new FormatException($"{where}: no _sum");
            var count = group.SingleOrDefault(s => s.Name == family.Name + "_count") ?? throw new FormatException($"{where}: no _count");
            if (group.Any(s => s.Name != family.Name + "_bucket" && s.Labels.ContainsKey("le")))
            {
                throw new FormatException($"{where}: only buckets have an le label");
            }
            var bounds = buckets.Select(b => (Bound: b.Labels.TryGetValue("le", out var le) ? ParseValue(le, where) : throw new FormatException($"{where}: a bucket without le"), b.Value)).ToList();
            if (bounds.Count == 0 || !double.IsPositiveInfinity(bounds[^1].Bound))
            {
                throw new FormatException($"{where}: the last bucket must be le=\"+Inf\"");
            }
            for (var i = 0; i < bounds.Count; i++)
            {
                if (bounds[i].Value < 0 || bounds[i].Value != Math.Floor(bounds[i].Value))
                {
                    throw new FormatException($"{where}: a bucket's count must be a whole number");
                }
                if (i > 0 && (bounds[i].Bound <= bounds[i - 1].Bound || bounds[i].Value < bounds[i - 1].Value))
                {
                    throw new FormatException($"{where}: buckets must be in increasing le order, with cumulative counts");
                }
            }
            if (bounds[^1].Value != count.Value)
            {
                throw new FormatException($"{where}: the +Inf bucket ({bounds[^1].Value}) must equal _count ({count.Value})");
            }
            if (double.IsNaN(sum.Value) || (count.Value == 0 && sum.Value != 0))
            {
                throw new FormatException($"{where}: _sum must be a number, 0 when nothing was counted");
            }
        }
    }
}
