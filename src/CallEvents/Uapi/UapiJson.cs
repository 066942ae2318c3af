using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallEvents.Uapi;

/// <summary>The one set of JSON settings for everything on the wire.</summary>
public static class UapiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Extension numbers carry '*', URLs carry '&': write them as they are.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public static async Task WriteErrorAsync(HttpContext context, UapiError error)
    {
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(
            JsonSerializer.Serialize(new ErrorEnvelope(new ErrorBody(error.Code, error.Message)), Options));
    }

    public sealed record ErrorEnvelope(ErrorBody Error);

    public sealed record ErrorBody(string Code, string Message);
}
