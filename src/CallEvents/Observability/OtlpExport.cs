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

    public static OtlpExport? From(OpenTelemetryOptions options, IConfiguration configuration)
    {
        if (options.OtlpEndpoint is { Length: > 0 } endpoint)
        {
            var protocol = options.OtlpProtocol == "http/protobuf" ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
            return new OtlpExport(new Uri(endpoint), protocol);
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
