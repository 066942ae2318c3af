using CallEvents.Hosting.Settings;

namespace CallEvents.Demo;

/// <summary>The <c>Demo</c> configuration section; see docs/configuration.md.</summary>
public sealed class DemoOptions : ISettings
{
    public static string Section => "Demo";

    /// <summary>Whether <c>serve</c> seeds the demo tenant by itself (Demo/DemoAtStart.cs).</summary>
    public DemoSeed Seed { get; set; } = DemoSeed.Auto;

    public void Check(SettingsCheck check)
    {
        // An enum: the reader refuses a value that is not one of its names; nothing else to check.
    }
}
