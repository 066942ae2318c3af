namespace CallEvents.Demo;

/// <summary>A demo account's sign-in (the authorization endpoint, the console): documented in README.md, so never a secret.</summary>
public sealed record DemoLogin(string AccountId, string Password);
