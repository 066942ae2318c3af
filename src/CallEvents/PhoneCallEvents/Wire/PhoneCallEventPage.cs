using System.Reflection;
using System.Text.Json;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.Metadata;

namespace CallEvents.PhoneCallEvents.Wire;

/// <summary>
/// The answer of get one and list: a <see cref="UapiCollection{T}"/> of <see cref="PhoneCallEventOut"/>
/// written straight to the response body with one <see cref="Utf8JsonWriter"/>, byte for byte what
/// <c>TypedResults.Ok</c> writes for it with the HTTP JSON options (camelCase, nulls left out, the
/// relaxed encoder: <see cref="PhoneCallEventsSetup"/>), and answered the same way (200,
/// <c>application/json; charset=utf-8</c>, the body flushed once). Why: the serializer's walk over
/// each entry's properties was ≈ 10 % of a list's CPU samples (bench/README.md, UAPI on SQLite
/// (session 6)). To the API reference it declares what <c>Ok&lt;UapiCollection&lt;PhoneCallEventOut&gt;&gt;</c>
/// declares, so the document is unchanged. <c>PhoneCallEventPageTests</c> holds it to the
/// serializer's bytes for every field selection, paging link and character the encoder treats apart.
/// </summary>
public sealed class PhoneCallEventPage(UapiCollection<PhoneCallEventOut> collection) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = UapiJson.Options.Encoder, SkipValidation = true };

    private static readonly JsonEncodedText Entry = JsonEncodedText.Encode("entry"), TotalResults = JsonEncodedText.Encode("totalResults"),
        ItemsPerPage = JsonEncodedText.Encode("itemsPerPage"), StartIndex = JsonEncodedText.Encode("startIndex"),
        PagingName = JsonEncodedText.Encode("paging"), Prev = JsonEncodedText.Encode("prev"), Next = JsonEncodedText.Encode("next"),
        Id = JsonEncodedText.Encode("id"), Type = JsonEncodedText.Encode("type"), Method = JsonEncodedText.Encode("method"),
        Url = JsonEncodedText.Encode("url"), Status = JsonEncodedText.Encode("status"), Note = JsonEncodedText.Encode("note"),
        Modified = JsonEncodedText.Encode("modified"), Links = JsonEncodedText.Encode("links"), Self = JsonEncodedText.Encode("self");

    public UapiCollection<PhoneCallEventOut> Collection { get; } = collection;

    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        using (var writer = new Utf8JsonWriter(response.BodyWriter, WriterOptions))
        {
            Write(writer, Collection);
        }
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>The collection's JSON, in the order and with the names the serializer gives the records' properties.</summary>
    public static void Write(Utf8JsonWriter writer, UapiCollection<PhoneCallEventOut> collection)
    {
        writer.WriteStartObject();
        writer.WriteStartArray(Entry);
        foreach (var entry in collection.Entry)
        {
            WriteEntry(writer, entry);
        }
        writer.WriteEndArray();
        writer.WriteNumber(TotalResults, collection.TotalResults);
        writer.WriteNumber(ItemsPerPage, collection.ItemsPerPage);
        writer.WriteNumber(StartIndex, collection.StartIndex);
        if (collection.Paging is { } paging)
        {
            writer.WriteStartObject(PagingName);
            WriteIfSet(writer, Prev, paging.Prev);
            WriteIfSet(writer, Next, paging.Next);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.Flush();
    }

    private static void WriteEntry(Utf8JsonWriter writer, PhoneCallEventOut entry)
    {
        writer.WriteStartObject();
        WriteIfSet(writer, Id, entry.Id);
        WriteIfSet(writer, Type, entry.Type);
        WriteIfSet(writer, Method, entry.Method);
        WriteIfSet(writer, Url, entry.Url);
        WriteIfSet(writer, Status, entry.Status);
        WriteIfSet(writer, Note, entry.Note);
        WriteIfSet(writer, Modified, entry.Modified);
        if (entry.Links is { } links)
        {
            writer.WriteStartObject(Links);
            writer.WriteString(Self, links.Self);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    /// <summary>A null is left out, as <see cref="System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull"/> does.</summary>
    private static void WriteIfSet(Utf8JsonWriter writer, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(UapiCollection<PhoneCallEventOut>), ["application/json"]));
}
