using System.Buffers;
using System.Text.Json;

namespace CallEvents.Uapi;

/// <summary>Reads a JSON request body within the contract's 64 KiB limit.</summary>
public static class UapiBody
{
    public const int MaxBytes = 64 * 1024;

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
            try
            {
                return JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            }
            catch (JsonException)
            {
                throw UapiError.RequestInvalid.Exception();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
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
