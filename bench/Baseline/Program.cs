using System.Text.Json;

// The baseline every HTTP scenario is divided by: the same routes as CallEvents (the token
// endpoint and the phoneCallEvents resource at every depth, every method), answering a JSON body
// of the size the real server answered for that scenario, with nothing behind it: no
// authentication, no database. The harness measures the real body size first and sends it in
// X-Bench-Bytes; the body is serialized per request, as the real server's is.

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
var app = builder.Build();

app.MapPost("/oauth/token.php", Answer);
app.MapMethods("/uapi/extensions/{userId}/{extension}/phoneCallEvents", ["GET", "POST", "DELETE"], Answer);
app.MapMethods("/uapi/extensions/{userId}/{extension}/phoneCallEvents/{eventType}", ["GET", "POST", "DELETE"], Answer);
app.MapMethods("/uapi/extensions/{userId}/{extension}/phoneCallEvents/{eventType}/{eventId}", ["GET", "PUT", "DELETE"], Answer);
app.MapGet("/health", Answer);
app.Run();

static async Task Answer(HttpContext context)
{
    // Read the request body like the real server does (create, update, token requests carry one).
    if (context.Request.ContentLength is > 0 || context.Request.Headers.TransferEncoding.Count > 0)
    {
        using var reader = new StreamReader(context.Request.Body);
        await reader.ReadToEndAsync(context.RequestAborted);
    }
    var bytes = int.TryParse(context.Request.Headers["X-Bench-Bytes"], out var n) ? Math.Clamp(n, 16, 1 << 20) : 256;
    // {"pad":"xxxx…"} is 10 bytes of framing around the padding.
    var body = new Padded(new string('x', bytes - 10));
    context.Response.ContentType = "application/json; charset=utf-8";
    await JsonSerializer.SerializeAsync(context.Response.Body, body, BaselineJson.Default.Padded, context.RequestAborted);
}

internal sealed record Padded(string Pad);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Padded))]
internal sealed partial class BaselineJson : System.Text.Json.Serialization.JsonSerializerContext;
