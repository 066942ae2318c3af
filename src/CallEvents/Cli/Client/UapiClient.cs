using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Text.Json;
using CallEvents.Hosting;
using CallEvents.Uapi;

namespace CallEvents.Cli.Client;

/// <summary>
/// The command line's one way to a running server: the public HTTP API only (the token endpoint
/// and the UAPI routes), with a token from the app's credentials. Every answer that is not a
/// success becomes a <see cref="CommandException"/> here, with the server's error code and what to
/// do, so the commands only handle what went right.
/// </summary>
public sealed class UapiClient : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public ServerConnection Connection { get; }

    private UapiClient(ServerConnection connection)
    {
        Connection = connection;
        _http = new HttpClient { BaseAddress = connection.Server, Timeout = Timeout };
    }

    /// <summary>A client holding a fresh token for the connection's app; refused credentials end the command here.</summary>
    public static async Task<UapiClient> ConnectAsync(ServerConnection connection, CancellationToken cancellationToken)
    {
        if (connection.ClientId is null || connection.ClientSecret is null)
        {
            throw CommandException.Usage($"No credentials for {connection.Display}: pass --client-id and --client-secret, "
                + "set CALLEVENTS_CLIENT_ID and CALLEVENTS_CLIENT_SECRET, or run `callevents login`.");
        }
        var client = new UapiClient(connection);
        try
        {
            var token = await client.TokenAsync(connection.ClientId, connection.ClientSecret, cancellationToken);
            client._http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private async Task<string> TokenAsync(string clientId, string clientSecret, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        });
        var reply = await SendCoreAsync(HttpMethod.Post, UapiPaths.Token, form, cancellationToken);
        if (reply.IsSuccess && reply.Json() is { ValueKind: JsonValueKind.Object } json
            && json.TryGetProperty("access_token", out var token) && token.GetString() is { Length: > 0 } value)
        {
            return value;
        }
        throw reply.OAuthError() switch
        {
            ("invalid_client", _) => new CommandException(
                $"{Connection.Display} refused the credentials of app {clientId} (invalid_client): check the client id and secret, "
                + $"or make a new secret with `callevents apps regenerate-secret --client-id {clientId}`.", ExitCodes.Credentials),
            ("unauthorized_client", _) => new CommandException(
                $"App {clientId} may not get a token with its id and secret (unauthorized_client): only an app added with "
                + "`callevents apps add --trusted` may.", ExitCodes.Credentials),
            ({ } error, var description) => new CommandException($"The token request was refused: {description} ({error}).", ExitCodes.Credentials),
            null => NotCallEvents(reply),
        };
    }

    /// <summary>
    /// Sends a UAPI request; <paramref name="explain"/> replaces the server's message for error
    /// codes that mean something particular to the calling command.
    /// </summary>
    public async Task<UapiReply> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? explain = null)
    {
        using var content = body is null ? null : JsonContent.Create(body, options: UapiJson.Options);
        var reply = await SendCoreAsync(method, path, content, cancellationToken);
        return reply.IsSuccess ? reply : throw Refused(reply, explain);
    }

    public Task<UapiReply> GetAsync(string path, CancellationToken cancellationToken) => SendAsync(HttpMethod.Get, path, null, cancellationToken);

    private async Task<UapiReply> SendCoreAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return new UapiReply((int)response.StatusCode, body, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.Delta);
        }
        catch (HttpRequestException e) when (e.InnerException is AuthenticationException)
        {
            throw new CommandException($"The TLS certificate of {Connection.Display} is not trusted here: use the server's http:// address "
                + $"(e.g. {ServerConnection.DefaultServer}) or trust its certificate.", ExitCodes.Unreachable);
        }
        catch (HttpRequestException)
        {
            throw new CommandException($"Cannot reach {Connection.Display}: is `callevents serve` running? (or pass --server URL)", ExitCodes.Unreachable);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CommandException($"{Connection.Display} did not answer within {Timeout.TotalSeconds:0} s: is it overloaded, or is --server the right address?",
                ExitCodes.Unreachable);
        }
    }

    private CommandException Refused(UapiReply reply, IReadOnlyDictionary<string, string>? explain)
    {
        if (reply.UapiError() is var (code, message))
        {
            var exitCode = code is "access_denied" or "pce_access_denied" ? ExitCodes.Credentials : ExitCodes.Failed;
            if (explain is not null && explain.TryGetValue(code, out var explained))
            {
                return new CommandException(explained, exitCode);
            }
            return code == "access_denied"
                ? new CommandException($"{Connection.Display} refused the token (access_denied): the app's secret may have changed; "
                    + "check the credentials, or run `callevents login` again.", exitCode)
                : new CommandException($"{message.TrimEnd('.')} ({code}).", exitCode);
        }
        return reply.Status switch
        {
            429 => new CommandException($"{Connection.Display} is limiting this app's requests (429): try again in "
                + $"{(reply.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds:0} s.", ExitCodes.Failed),
            503 => new CommandException($"{Connection.Display} is not ready (503): it is starting, or cannot reach its database; try again shortly.", ExitCodes.Failed),
            >= 500 => new CommandException($"{Connection.Display} failed ({reply.Status}): see the server's log.", ExitCodes.Failed),
            _ => NotCallEvents(reply),
        };
    }

    private CommandException NotCallEvents(UapiReply reply) =>
        new($"{Connection.Display} answered {reply.Status} ({reply.MediaType ?? "no content type"}), not as CallEvents does: "
            + "is --server the address of `callevents serve`?", ExitCodes.Failed);

    public void Dispose() => _http.Dispose();
}
