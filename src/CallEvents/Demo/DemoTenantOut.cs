namespace CallEvents.Demo;

/// <summary>What <c>callevents demo --json</c> prints. Apps (with secrets) only when just created.</summary>
public sealed record DemoTenantOut(bool Created, DemoApps? Apps, DemoAccounts Accounts, DemoExtension[] Extensions);
