using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CallEvents.Tests.Browser;

/// <summary>axe-core's scan of a page as it is now: every finding to the test log, and none serious or critical.</summary>
public static class Accessibility
{
    private static readonly string[] Blocking = ["serious", "critical"];

    public static async Task<AxeResult> ScanAsync(IPage page, ITestOutputHelper output)
    {
        var result = await page.RunAxe();
        foreach (var finding in result.Violations)
        {
            output.WriteLine($"axe {finding.Impact} {finding.Id} on {page.Url}: {finding.Help} ({finding.Nodes.Length} element(s): "
                + string.Join(" | ", finding.Nodes.Take(3).Select(n => n.Html)) + ")");
        }
        return result;
    }

    /// <summary>Fails the test on a serious or critical finding, naming the rule and the elements.</summary>
    public static async Task AssertNoSeriousFindingsAsync(IPage page, ITestOutputHelper output)
    {
        var result = await ScanAsync(page, output);
        var blocking = result.Violations.Where(v => Blocking.Contains(v.Impact)).ToList();
        Assert.True(blocking.Count == 0, $"axe on {page.Url}:\n" + string.Join("\n", blocking.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} — " + string.Join(" | ", v.Nodes.Select(n => n.Html)))));
    }
}
