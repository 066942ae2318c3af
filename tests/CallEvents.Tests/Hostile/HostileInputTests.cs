using System.Globalization;
using CsCheck;

namespace CallEvents.Tests.Hostile;

/// <summary>
/// Generated hostile input (CsCheck) over real HTTP to the real server on loopback, on every
/// route: UAPI phoneCallEvents (create, list, get, update, delete), the token endpoint, the PBX
/// intake, the signing secret and its rotation, the delivery log and both replays. Three
/// properties hold for every request:
/// <list type="number">
/// <item>the answer is documented (DocumentedAnswers.cs): the UAPI envelope with a documented code
/// at its status, RFC 6749 JSON on the token endpoint, or one of the HTTP server's own refusals
/// that SECURITY.md lists; never a 500;</item>
/// <item>a request that is refused (not 2xx) changes nothing in the database: a digest of every
/// table, read over a connection of its own, is the same before and after;</item>
/// <item>the server logs at most one line for it, under its shipped logging levels, and never an
/// error or an exception: a client cannot fill the disk.</item>
/// </list>
/// Bounded for CI: <see cref="DefaultIterations"/> requests per property, one at a time (so each
/// logged line belongs to one request), a few seconds each. The long mode is an environment
/// variable: <c>CALLEVENTS_FUZZ_ITERATIONS=100000 dotnet test --filter "FullyQualifiedName~Hostile"</c>
/// (SECURITY.md). A failure prints the request as sent and CsCheck's seed; <c>CsCheck_Seed=…</c>
/// replays it.
/// </summary>
public sealed class HostileInputTests(HostileFixture fixture) : IClassFixture<HostileFixture>
{
    public const string IterationsVariable = "CALLEVENTS_FUZZ_ITERATIONS";
    public const int DefaultIterations = 250;

    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : DefaultIterations;

    private readonly HostileGenerators _generate = new(fixture);

    [Fact]
    public async Task NoPathQueryHeaderOrTokenOnAnyRouteGetsA500AnUndocumentedAnswerAWriteWhenRefusedOrMoreThanOneLogLine()
    {
        await fixture.EnsureEventAsync();
        await _generate.PathsQueriesAndHeaders.SampleAsync(SendAndCheckAsync, iter: Iterations, threads: 1, print: r => r.ToString());
    }

    [Fact]
    public async Task NoQueryStringOnAValidPathGetsA500AnUndocumentedAnswerAWriteWhenRefusedOrMoreThanOneLogLine()
    {
        await fixture.EnsureEventAsync();
        await _generate.QueriesOnValidPaths.SampleAsync(SendAndCheckAsync, iter: Iterations, threads: 1, print: r => r.ToString());
    }

    [Fact]
    public async Task NoBodyOfAnyContentTypeOnAnyRouteGetsA500AnUndocumentedAnswerAWriteWhenRefusedOrMoreThanOneLogLine()
    {
        await fixture.EnsureEventAsync();
        await _generate.BodiesOnEveryRoute.SampleAsync(SendAndCheckAsync, iter: Iterations, threads: 1, print: r => r.ToString());
    }

    private async Task SendAndCheckAsync(HostileRequest request)
    {
        var response = await fixture.SendAsync(request);
        var answer = DocumentedAnswers.Check(request, response);
        Assert.True(answer is null, $"undocumented answer ({answer}): {response}");
    }
}
