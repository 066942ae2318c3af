using System.Collections;
using System.ComponentModel;
using System.Reflection;
using System.Text.RegularExpressions;
using CallEvents.Hosting.Settings;

namespace CallEvents.Tests.Hosting;

/// <summary>
/// docs/configuration.md and the options classes stay in step: every settable property of every
/// settings group is a row (<c>Section:Key</c>) with its environment variable and its default,
/// and every row is a setting that exists.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    /// <summary>Keys of ASP.NET Core itself, documented in their own table.</summary>
    private static readonly string[] AspNetCoreSections = ["Urls", "Kestrel", "Logging", "AllowedHosts"];

    private sealed record Setting(string Key, PropertyInfo Property, object? Default);

    private sealed record Row(string Key, string Environment, string DefaultCell);

    [Fact]
    public void EverySettingHasARowAndEveryRowIsASetting()
    {
        var documented = Rows("## Settings").Select(r => r.Key).Order(StringComparer.Ordinal);
        var settings = Settings().Select(s => s.Key).Order(StringComparer.Ordinal);
        Assert.Equal(settings, documented);
    }

    [Fact]
    public void EveryRowGivesTheEnvironmentVariableOfItsKey()
    {
        var settings = Settings().ToDictionary(s => s.Key);
        Assert.All(Rows("## Settings"), row =>
        {
            var isList = settings.TryGetValue(row.Key, out var setting) && setting.Default is IList;
            Assert.Equal(SettingsReader.EnvironmentName(row.Key) + (isList ? "__0" : ""), row.Environment);
        });
    }

    [Fact]
    public void EveryDefaultWrittenAsAValueIsTheDefaultInTheCode()
    {
        var rows = Rows("## Settings").ToDictionary(r => r.Key);
        var checkedDefaults = 0;
        foreach (var setting in Settings())
        {
            if (setting.Default is null or IList || setting.Default is string { Length: 0 } || !rows.TryGetValue(setting.Key, out var row))
            {
                continue; // no default value (the machine name, a derived connection string) or a list: said in words
            }
            var literal = Literal().Match(row.DefaultCell);
            Assert.True(literal.Success && literal.Index == 0, $"{setting.Key}: the default should start with `{setting.Default}`, not '{row.DefaultCell}'");
            var written = TypeDescriptor.GetConverter(setting.Property.PropertyType).ConvertFromInvariantString(literal.Groups[1].Value);
            Assert.True(Equals(setting.Default, written), $"{setting.Key}: the code's default is {setting.Default}, the documentation says {literal.Groups[1].Value}");
            checkedDefaults++;
        }
        Assert.True(checkedDefaults >= 20, $"only {checkedDefaults} defaults checked");
    }

    [Fact]
    public void EveryKeyOfAspNetCoreItselfIsOneOfItsSections()
    {
        var rows = Rows("## ASP.NET Core's own settings");
        Assert.NotEmpty(rows);
        Assert.All(rows, row => Assert.Contains(row.Key.Split(':')[0], AspNetCoreSections));
    }

    [Fact]
    public void EveryOptionsClassIsASettingsGroup()
    {
        var options = typeof(Program).Assembly.GetTypes().Where(t => t.Name.EndsWith("Options", StringComparison.Ordinal) && t.IsClass).ToList();
        Assert.NotEmpty(options);
        Assert.All(options, type => Assert.True(typeof(ISettings).IsAssignableFrom(type), $"{type.FullName} is not an ISettings"));
    }

    private static IEnumerable<Setting> Settings() =>
        typeof(Program).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && typeof(ISettings).IsAssignableFrom(t))
            .SelectMany(type =>
            {
                var section = (string)type.GetProperty(nameof(ISettings.Section), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
                var defaults = Activator.CreateInstance(type);
                return SettingsReader.Bindable(type).Select(p => new Setting(section.Length == 0 ? p.Name : $"{section}:{p.Name}", p, p.GetValue(defaults)));
            });

    /// <summary>The rows of the table under <paramref name="heading"/>: key, environment variable, default.</summary>
    private static List<Row> Rows(string heading)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        var start = Array.IndexOf(lines, heading);
        Assert.True(start >= 0, $"docs/configuration.md has no '{heading}'");
        var rows = new List<Row>();
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            if (!line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }
            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            rows.Add(new Row(Literal().Match(cells[0]).Groups[1].Value, Literal().Match(cells[1]).Groups[1].Value, cells[2]));
        }
        return rows;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CallEvents.slnx")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException($"No CallEvents.slnx above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("`([^`]*)`")]
    private static partial Regex Literal();
}
