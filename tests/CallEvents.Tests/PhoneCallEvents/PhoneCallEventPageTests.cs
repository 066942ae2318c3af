using System.Net;
using System.Text;
using System.Text.Json;
using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Tests.Infrastructure;
using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CallEvents.Tests.PhoneCallEvents;

/// <summary>
/// Get and list write their answer by hand (PhoneCallEvents/Wire/PhoneCallEventPage.cs): it must be
/// byte for byte what System.Text.Json writes for the same collection with the server's own HTTP
/// JSON options, whatever fields are selected, whatever paging links there are, and whatever
/// characters the values hold (the relaxed encoder leaves some as they are and escapes others).
/// </summary>
public sealed class PhoneCallEventPageTests(HostFixture fixture) : IClassFixture<HostFixture>
{
    private const string Extension = "0003*211";

    private JsonSerializerOptions ServerJson => fixture.Host.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    private static readonly string[] Texts =
    [
        "plain",
        "https://crm.example.com/hooks?a=1&b=2*3+4%20'x'",
        "quote \" backslash \\ slash / <tag> & 'apostrophe'",
        "control \u0001 tab \t newline \n",
        "accents é ü ñ, CJK 呼叫, emoji 📞, a lone surrogate \ud800 end",
        "",
    ];

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, 16)];

    /// <summary>A collection of every shape: entries with fields left out by a selection, each text, paging of each kind.</summary>
    private static UapiCollection<PhoneCallEventOut> Collection(int shape)
    {
        var entries = Enumerable.Range(0, shape % 4 == 3 ? 0 : 1 + shape).Select(i => new PhoneCallEventOut(
            $"id{i}{Texts[i % Texts.Length]}",
            (i & 1) == 0 ? "1" : null,
            (i & 2) == 0 ? "0" : null,
            (i & 4) == 0 ? Texts[(i + shape) % Texts.Length] : null,
            (i & 8) == 0 ? "0" : null,
            i % 3 == 0 ? null : Texts[(i + 1) % Texts.Length],
            (i & 1) == 1 ? "2026-12-01T20:00:00Z" : null,
            i % 5 == 4 ? null : new SelfLink($"https://crm.example.com/uapi/extensions/@me/0003*210/phoneCallEvents/1/{Texts[i % Texts.Length]}"))).ToList();
        Paging? paging = (shape % 4) switch
        {
            0 => null,
            1 => new Paging("https://x.example.com/prev?count=2&startIndex=0", null),
            2 => new Paging(null, "https://x.example.com/next?count=2&startIndex=4"),
            _ => new Paging("https://x.example.com/p*&", "https://x.example.com/n\"é"),
        };
        return new UapiCollection<PhoneCallEventOut>(entries, shape * 1000, 20 + shape, shape, paging);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheHandWrittenPageIsTheSerializersBytesForEveryShape(int shape)
    {
        var collection = Collection(shape);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ServerJson.Encoder, SkipValidation = true }))
        {
            PhoneCallEventPage.Write(writer, collection);
        }
        Assert.Equal(JsonSerializer.Serialize(collection, ServerJson), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public async Task AListAndAGetAnswerTheSerializersBytesWithItsContentType()
    {
        using var client = fixture.Host.ClientWith(await fixture.Host.TokenAsync(a => a.User));
        var first = await UapiCalls.CreateAsync(client, "@me", Extension, type: 1, url: "https://crm.example.com/a?x=1&y=*", note: "é \"quoted\" <b>");
        await UapiCalls.CreateAsync(client, "@me", Extension, type: 2, url: "https://crm.example.com/b");
        await UapiCalls.CreateAsync(client, "@me", Extension, type: 3, url: "https://crm.example.com/c");

        foreach (var path in new[]
        {
            UapiCalls.Events("@me", Extension) + "?count=2",
            UapiCalls.Events("@me", Extension) + "?count=1&startIndex=1",
            UapiCalls.Events("@me", Extension) + "?fields=url,note",
            UapiCalls.Events("@me", Extension, "1", first),
            UapiCalls.Events("@me", Extension, "4"),
        })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            var body = await response.Content.ReadAsStringAsync();
            var parsed = JsonSerializer.Deserialize<UapiCollection<PhoneCallEventOut>>(body, ServerJson)!;
            Assert.Equal(JsonSerializer.Serialize(parsed, ServerJson), body);
        }
    }
}
