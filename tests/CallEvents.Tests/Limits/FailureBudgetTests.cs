using CallEvents.Limits;
using Microsoft.Extensions.Time.Testing;

namespace CallEvents.Tests.Limits;

public sealed class FailureBudgetTests
{
    [Fact]
    public void AKeyIsRefusedOnlyAfterItsFailuresAndAgainFreeWhenItsWindowEnds()
    {
        var clock = new FakeTimeProvider();
        var budget = new FailureBudget(limit: 2, TimeSpan.FromMinutes(1), maxKeys: 100, clock);
        Assert.Null(budget.RetryAfter("a"));
        Assert.Equal(0, budget.Keys); // a check remembers nothing
        budget.Count("a");
        Assert.Null(budget.RetryAfter("a"));
        budget.Count("a");
        Assert.Equal(TimeSpan.FromMinutes(1), budget.RetryAfter("a"));
        Assert.Null(budget.RetryAfter("b"));
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(budget.RetryAfter("a"));
    }

    [Fact]
    public void RotatingKeysNeverHoldMoreThanTheCapAndShareOneOverflowBudget()
    {
        var clock = new FakeTimeProvider();
        var budget = new FailureBudget(limit: 3, TimeSpan.FromMinutes(1), maxKeys: 10, clock);
        for (var i = 0; i < 1000; i++)
        {
            budget.Count("key-" + i);
        }
        Assert.True(budget.Keys <= 11, $"{budget.Keys} keys kept");
        Assert.NotNull(budget.RetryAfter("never-seen")); // the overflow's budget is spent

        clock.Advance(TimeSpan.FromMinutes(1));
        budget.Count("fresh");
        Assert.True(budget.Keys <= 11);
        Assert.Null(budget.RetryAfter("never-seen-either"));
    }
}
