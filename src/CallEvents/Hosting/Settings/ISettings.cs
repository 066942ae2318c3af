namespace CallEvents.Hosting.Settings;

/// <summary>
/// A group of settings: an options class bound to one configuration section, checked at start
/// (<see cref="SettingsReader.AddSettings{T}"/>) and documented in docs/configuration.md, which a test
/// keeps in step with every settable property of every implementation.
/// </summary>
public interface ISettings
{
    /// <summary>The configuration section, e.g. <c>Delivery</c>; empty for keys at the top level.</summary>
    static abstract string Section { get; }

    /// <summary>Reports each value that is out of range, one problem per setting.</summary>
    void Check(SettingsCheck check);
}
