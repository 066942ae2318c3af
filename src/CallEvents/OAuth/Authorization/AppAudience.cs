using CallEvents.Accounts;

namespace CallEvents.OAuth.Authorization;

/// <summary>
/// Who may consent to an app: the accounts within the account it is registered to. An Admin's app
/// (the console) is offered to every account; an organization's to the organization and its users;
/// a user's to that user only. So one tenant's app cannot ask another tenant's people to let it in.
/// </summary>
public static class AppAudience
{
    public static bool Includes(AppAccount owner, AppAccount account) => owner.Kind switch
    {
        AccountKind.Admin => true,
        AccountKind.Organization => account.OrganizationId == owner.Id,
        _ => account.Id == owner.Id,
    };
}
