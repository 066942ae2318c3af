using OpenTelemetry.Exporter;

namespace CallEvents.Observability;

/// <summary>
/// Where traces and metrics go over OTLP, if anywhere: <c>OpenTelemetry:OtlpEndpoint</c> (with
/// <c>OpenTelemetry:OtlpProtocol</c>, <c>grpc</c> by default), or the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, which the exporter reads itself with the other
/// <c>OTEL_EXPORTER_OTLP_*</c> variables. Neither: no export (the default).
/// </summary>
public sealed class OtlpExport
{
    private readonly Uri? _endpoint;
    private readonly OtlpExportProtocol _protocol;

    private OtlpExport(Uri? endpoint, OtlpExportProtocol protocol)
    {
        _endpoint = endpoint;
        _protocol = protocol;
    }

    public static OtlpExport? From(IConfiguration configuration)
    {
        if (configuration["OpenTelemetry:OtlpEndpoint"] is { Length: > 0 } endpoint)
        {
            var protocol = configuration["OpenTelemetry:OtlpProtocol"] switch
            {
                null or "" or "grpc" => OtlpExportProtocol.Grpc,
                "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
                var other => throw new InvalidOperationException($"OpenTelemetry:OtlpProtocol must be grpc or http/protobuf, not '{other}'."),
            };
            return Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? new OtlpExport(uri, protocol)
                : throw new InvalidOperationException("OpenTelemetry:OtlpEndpoint must be an http:// or https:// URL.");
        }
        return configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } ? new OtlpExport(null, default) : null;
    }

    /// <summary>
    /// Over http/protobuf each signal has its own path under the endpoint (<c>/v1/traces</c>,
    /// <c>/v1/metrics</c>); the exporter adds it only to an endpoint from the environment.
    /// </summary>
    public void Configure(OtlpExporterOptions exporter, string signal)
    {
        if (_endpoint is null)
        {
            return;
        }
        exporter.Protocol = _protocol;
        exporter.Endpoint = _protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(_endpoint.AbsoluteUri.TrimEnd('/') + "/v1/" + signal)
            : _endpoint;
    }
}
