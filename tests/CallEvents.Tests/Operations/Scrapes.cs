using System.Net;
using System.Net.Http.Headers;

namespace CallEvents.Tests.Operations;

/// <summary>/metrics as Prometheus scrapes it, parsed by <see cref="PrometheusText"/>, and the sums tests assert on.</summary>
public static class Scrapes
{
    public static async Task<IReadOnlyDictionary<string, PrometheusFamily>> ScrapeAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain"));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"scrape: {(int)response.StatusCode} {body}");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(response.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");
        return PrometheusText.Parse(body);
    }

    /// <summary>The family, asserted to exist with this type.</summary>
    public static PrometheusFamily Family(this IReadOnlyDictionary<string, PrometheusFamily> families, string name, string type)
    {
        Assert.True(families.TryGetValue(name, out var family), $"no metric family {name}; there are: {string.Join(", ", families.Keys.Order(StringComparer.Ordinal))}");
        Assert.Equal(type, family!.Type);
        return family;
    }

    /// <summary>The sum of the family's own samples (not a histogram's buckets) that carry these labels.</summary>
    public static double Sum(this PrometheusFamily family, params (string Name, string Value)[] labels) =>
        family.Samples.Where(s => s.Name == family.Name && s.Has(labels)).Sum(s => s.Value);

    /// <summary>A histogram's observations (its _count) with these labels.</summary>
    public static double Count(this PrometheusFamily family, params (string Name, string Value)[] labels) =>
        family.Samples.Where(s => s.Name == family.Name + "_count" && s.Has(labels)).Sum(s => s.Value);
}
