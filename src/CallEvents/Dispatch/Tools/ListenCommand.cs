using System.CommandLine;
using System.Text;
using CallEvents.Dispatch.Signing;
using Microsoft.AspNetCore.Http.Features;

namespace CallEvents.Dispatch.Tools;

/// <summary>
/// <c>callevents listen --port 9000 [--secret whsec_…]</c>: a receiver for people trying the
/// hooks. It prints every request it gets and, given the app's signing secret, whether the
/// Standard Webhooks signature is valid. Loopback only.
/// </summary>
public static class ListenCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1.", DefaultValueFactory = _ => 9000 };
        var secret = new Option<string?>("--secret") { Description = "The app's signing secret (whsec_…; or CALLEVENTS_SIGNING_SECRET) to verify signatures." };
        var status = new Option<int>("--status") { Description = "The HTTP status to answer.", DefaultValueFactory = _ => 200 };
        var command = new Command("listen", "Print the hook requests that arrive, and verify their signatures.") { port, secret, status };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var key = parse.GetValue(secret) is { Length: > 0 } given ? given : Environment.GetEnvironmentVariable("CALLEVENTS_SIGNING_SECRET") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls($"http://127.0.0.1:{parse.GetValue(port)}");
            await using var app = builder.Build();
            var answer = parse.GetValue(status);
            app.Run(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                Console.WriteLine(Describe(context, Encoding.UTF8.GetString(body.ToArray()), key));
                context.Response.StatusCode = answer;
            });
            await app.StartAsync(cancellationToken);
            Console.WriteLine($"Listening on http://127.0.0.1:{parse.GetValue(port)}/ (Ctrl+C to stop)"
                + (key is null ? "; give --secret whsec_… to verify signatures." : "; verifying signatures."));
            await app.WaitForShutdownAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    private static string Describe(HttpContext context, string body, string? secret)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path + request.QueryString;
        var text = new StringBuilder();
        text.AppendLine($"--- {DateTimeOffset.Now:HH:mm:ss} {request.Method} {target}");
        var query = target.Contains('?', StringComparison.Ordinal) ? target[(target.IndexOf('?', StringComparison.Ordinal) + 1)..] : "";
        var parameters = request.Method == "GET" ? query : body;
        foreach (var pair in parameters.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            text.AppendLine($"    {Uri.UnescapeDataString(parts[0].Replace('+', ' ')),-16} {Uri.UnescapeDataString((parts.Length > 1 ? parts[1] : "").Replace('+', ' '))}");
        }
        var id = request.Headers["webhook-id"].ToString();
        var timestamp = request.Headers["webhook-timestamp"].ToString();
        var signature = request.Headers["webhook-signature"].ToString();
        text.Append($"    webhook-id {id}  webhook-timestamp {timestamp}");
        if (secret is not null && long.TryParse(timestamp, out var seconds))
        {
            var valid = WebhookSignature.Verify(secret, id, seconds, parameters, signature);
            text.Append(valid ? "  signature: valid" : "  signature: INVALID");
        }
        else if (signature.Length > 0)
        {
            text.Append("  signature: not checked");
        }
        return text.ToString();
    }
}
