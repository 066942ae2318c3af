using System.Buffers;
using System.Text.Json;

namespace CallEvents.Uapi;

/// <summary>Reads a JSON request body within the contract's 64 KiB limit.</summary>
public static class UapiBody
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>Nesting beyond this is request_invalid: no body of the contract nests more than twice.</summary>
    public const int MaxDepth = 16;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var contentType = request.ContentType;
        if (contentType is not null && !IsJson(contentType))
        {
            throw UapiError.RequestInvalid.Exception();
        }
        if (request.ContentLength > MaxBytes)
        {
            throw UapiError.RequestTooLarge.Exception();
        }
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        try
        {
            var length = 0;
            int read;
            while ((read = await request.Body.ReadAsync(buffer.AsMemory(length, MaxBytes + 1 - length), cancellationToken)) > 0)
            {
                length += read;
                if (length > MaxBytes)
                {
                    throw UapiError.RequestTooLarge.Exception();
                }
            }
            var json = buffer.AsMemory(0, length);
            // A UTF-8 byte order mark is legal in front of JSON text and some clients send one.
            if (json.Span.StartsWith(Utf8Bom))
            {
                json = json[Utf8Bom.Length..];
            }
            // JsonDocument checks UTF-8 only lazily, when a string is read: invalid bytes inside a
            // string would surface later as an exception (a 500), so the whole body is checked here.
            if (json.Length == 0 || !System.Text.Unicode.Utf8.IsValid(json.Span))
            {
                throw UapiError.RequestInvalid.Exception();
            }
            return Parse(json.Span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The body as a JSON document whose every string can be read. Two checks the parser makes
    /// only lazily, or not at all, are made here, once for every handler: an escaped lone
    /// surrogate (<c>"\ud800"</c>) parses, and only <c>GetString()</c> throws (an
    /// InvalidOperationException, a 500) when a handler reads it; and a field sent twice would
    /// leave it to each reader which one counts.
    /// </summary>
    private static JsonDocument Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxDepth });
            while (reader.Read())
            {
                if (reader.TokenType is (JsonTokenType.String or JsonTokenType.PropertyName) && reader.ValueIsEscaped)
                {
                    _ = reader.GetString();
                }
            }
            // A copy: a document parsed from memory keeps reading it, and the pooled buffer goes back
            // to the pool when this request's read is done, for another request to overwrite.
            return JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = MaxDepth, AllowDuplicateProperties = false });
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            throw UapiError.RequestInvalid.Exception();
        }
    }

    private static bool IsJson(string contentType)
    {
        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase);
    }
}
