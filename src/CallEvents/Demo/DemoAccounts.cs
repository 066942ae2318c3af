namespace CallEvents.Demo;

public sealed record DemoAccounts(string Admin, string ServiceProvider, string Organization, string User, string Colleague, string OtherOrganization, string OtherUser);
