namespace CallEvents.Accounts;

public enum AccountKind
{
    Admin = 0,
    ServiceProvider = 1,
    Organization = 2,
    User = 3,
}
