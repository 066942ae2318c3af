using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace CallEvents.Tests.Browser;

/// <summary>The authorization endpoint's sign-in page (/oauth/signin), as a person fills it in.</summary>
public static class SignInPage
{
    public static async Task FillAsync(IPage page, string account, string password)
    {
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await page.GetByLabel("Account").FillAsync(account);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
