namespace CallEvents.Tests.Browser;

/// <summary>
/// The browser tests share one Chromium and run one class at a time: a browser per class, or
/// several at once, would cost more than the tests on a two-core machine.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
