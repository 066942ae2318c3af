namespace CallEvents.Tests.Browser;

/// <summary>The demo logins the browser tests sign in with.</summary>
public static class DemoLogin
{
    public const string Account = "user-0003-ana";
    public const string Password = "TODO";
    public const string OtherTenantAccount = "user-0004-cam";
    public const string OtherTenantPassword = "TODO";
}
