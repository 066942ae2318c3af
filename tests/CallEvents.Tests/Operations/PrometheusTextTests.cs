namespace CallEvents.Tests.Operations;

/// <summary>The parser the /metrics tests rely on: it accepts the format and refuses what Prometheus would not take.</summary>
public sealed class PrometheusTextTests
{
    private const string WellFormed = """
        # A comment line.
        # HELP requests_total Requests served.\nSecond line, with a backslash: \\
        # TYPE requests_total counter
        requests_total{method="GET",path="/a \"quoted\" \\ path\nnext",} 12 1700000000000
        requests_total{method="POST"} 1.5e3
        # TYPE temperature gauge
        temperature -Inf
        temperature{room="b"} NaN
        # TYPE latency_seconds histogram
        latency_seconds_bucket{le="0.1"} 1
        latency_seconds_bucket{le="1"} 3
        latency_seconds_bucket{le="+Inf"} 4
        latency_seconds_sum 2.75
        latency_seconds_count 4

        """;

    [Fact]
    public void AWellFormedExpositionParsesWithItsEscapesSpecialValuesAndTimestamps()
    {
        var families = PrometheusText.Parse(WellFormed);

        Assert.Equal(["latency_seconds", "requests_total", "temperature"], families.Keys.Order(StringComparer.Ordinal));
        var requests = families["requests_total"];
        Assert.Equal("counter", requests.Type);
        Assert.Equal("Requests served.\nSecond line, with a backslash: \\", requests.Help);
        Assert.Equal("/a \"quoted\" \\ path\nnext", requests.Samples[0].Labels["path"]);
        Assert.Equal(1700000000000, requests.Samples[0].Timestamp);
        Assert.Equal(1500, requests.Samples[1].Value);
        Assert.True(double.IsNegativeInfinity(families["temperature"].Samples[0].Value));
        Assert.True(double.IsNaN(families["temperature"].Samples[1].Value));
        Assert.Equal(5, families["latency_seconds"].Samples.Count);
    }

    [Theory]
    [InlineData("untyped_sample 1")]                                              // no # TYPE
    [InlineData("# TYPE a counter\n1a 1")]                                        // metric name
    [InlineData("# TYPE a counter\na{1x=\"v\"} 1")]                               // label name
    [InlineData("# TYPE a counter\na{__reserved=\"v\"} 1")]                       // reserved label name
    [InlineData("# TYPE a counter\na{x=v} 1")]                                    // unquoted label value
    [InlineData("# TYPE a counter\na{x=\"\\t\"} 1")]                              // an escape the format lacks
    [InlineData("# TYPE a counter\na{x=\"open} 1")]                               // unterminated value
    [InlineData("# TYPE a counter\na{x=\"1\",x=\"2\"} 1")]                        // a label twice
    [InlineData("# TYPE a counter\na one")]                                       // not a number
    [InlineData("# TYPE a counter\na 1 2.5")]                                     // timestamp not integer
    [InlineData("# TYPE a counter\na  1")]                                        // two spaces
    [InlineData("# TYPE a counter\na -1")]                                        // negative counter
    [InlineData("# TYPE a counter\na 1\na 2")]                                    // the same series twice
    [InlineData("# TYPE a counter\na 1\n# TYPE a counter")]                       // TYPE twice / after samples
    [InlineData("# TYPE a meter\na 1")]                                           // unknown type
    [InlineData("# TYPE a counter\na{x=\"1\"} 1\n# TYPE b gauge\nb 1\na{x=\"2\"} 1")] // a family in two groups
    [InlineData("# TYPE a counter\r\na 1")]                                       // CRLF
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1")]  // no +Inf bucket
    [InlineData("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1")] // not cumulative
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 1")] // +Inf != count
    [InlineData("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_count 1")]        // no _sum
    [InlineData("# TYPE h histogram\nh_bucket{le=\"2\"} 0\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0")] // le out of order
    [InlineData("# TYPE h histogram\nh 1")]                                       // a bare histogram sample
    public void WhatPrometheusWouldRefuseIsRefused(string text)
    {
        Assert.Throws<FormatException>(() => PrometheusText.Parse(text));
    }
}
