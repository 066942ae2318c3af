using CallEvents.Hosting.Settings;

namespace CallEvents.Observability;

/// <summary>The <c>OpenTelemetry</c> configuration section: where traces and metrics go over OTLP (docs/operations.md).</summary>
public sealed class OpenTelemetryOptions : ISettings
{
    public static string Section => "OpenTelemetry";

    /// <summary>An OTLP collector, e.g. <c>http://127.0.0.1:4317</c>; empty: no export (unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set).</summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>.</summary>
    public string OtlpProtocol { get; set; } = "grpc";

    public void Check(SettingsCheck check)
    {
        check.That(OtlpEndpoint is null or { Length: 0 }
            || (Uri.TryCreate(OtlpEndpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"),
            nameof(OtlpEndpoint), $"must be an http:// or https:// URL; it is '{OtlpEndpoint}'");
        check.That(OtlpProtocol is "grpc" or "http/protobuf", nameof(OtlpProtocol), $"must be grpc or http/protobuf; it is '{OtlpProtocol}'");
    }
}
