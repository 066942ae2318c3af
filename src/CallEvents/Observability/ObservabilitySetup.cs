using CallEvents.Dispatch;
using CallEvents.Hosting.Settings;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace CallEvents.Observability;

/// <summary>
/// What operators watch (docs/operations.md): <c>/healthz</c> and <c>/readyz</c>, <c>/metrics</c>
/// (Prometheus text format, loopback only unless <c>Metrics:AllowedNetworks</c> says otherwise),
/// traces and metrics over OTLP when an endpoint is configured, and one log line per request.
/// </summary>
public static class ObservabilitySetup
{
    public const string LivePath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";

    /// <summary>The checks /readyz runs; /healthz runs none (the process answers: it is alive).</summary>
    public const string ReadyTag = "ready";

    public static void AddObservability(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        // MetricsOptions and OpenTelemetryOptions are registered with every command's settings (Program.AddCommandServices).
        var metrics = SettingsReader.Read<MetricsOptions>(configuration); // decides what is registered

        // ASP.NET Core's own per-request lines print the query string, and UAPI clients may put the
        // access token there (?accessRequestToken=…): held at Warning whatever the configuration
        // says; RequestLogMiddleware writes the request's line instead, without the query.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

        services.AddSingleton<DatabaseHealthCheck>();
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag], timeout: DatabaseHealthCheck.Timeout)
            .AddCheck<SenderHealthCheck>("sender", tags: [ReadyTag]);

        services.AddOpenIddict().AddServer(server => server.AddEventHandler(TokenMetrics.Descriptor));
        services.AddSingleton<QueueGauges>();

        var otlp = OtlpExport.From(SettingsReader.Read<OpenTelemetryOptions>(configuration), configuration);
        var node = configuration.GetSection(DeliveryOptions.Section)[nameof(DeliveryOptions.NodeId)];
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("callevents", serviceVersion: Telemetry.Version,
                serviceInstanceId: node is { Length: > 0 } ? node : null));
        if (metrics.Enabled || otlp is not null)
        {
            telemetry.WithMetrics(meters =>
            {
                meters.AddMeter(Telemetry.Name).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().DropOtherHostsMeters();
                if (metrics.Enabled)
                {
                    meters.AddPrometheusExporter();
                }
                if (otlp is not null)
                {
                    meters.AddOtlpExporter(exporter => otlp.Configure(exporter, "metrics"));
                }
            });
        }
        // Tracing costs something on every request, and without an exporter nobody would see it: off unless OTLP is configured.
        if (otlp is not null)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(Telemetry.Name)
                .AddAspNetCoreInstrumentation(aspNetCore =>
                {
                    aspNetCore.Filter = context => !IsOperatorPath(context.Request.Path);
                    // The query may carry ?accessRequestToken=Bearer%20…: not even its redacted shape leaves.
                    aspNetCore.EnrichWithHttpRequest = (activity, _) => activity.SetTag("url.query", null);
                })
                .AddHttpClientInstrumentation(http =>
                {
                    // The only HttpClient sends deliveries: a hook's path and query may hold the receiver's secret.
                    http.EnrichWithHttpRequestMessage = (activity, request) =>
                        activity.SetTag("url.full", request.RequestUri?.GetLeftPart(UriPartial.Authority));
                })
                .AddOtlpExporter(exporter => otlp.Configure(exporter, "traces")));
        }
    }

    /// <summary>First in the pipeline: the request log, then the probes and the scrape, which answer even while <c>serve</c> is starting.</summary>
    public static void UseObservability(this WebApplication app)
    {
        app.UseMiddleware<RequestLogMiddleware>();
        // Middleware, not endpoints: they must answer before DatabaseReadinessMiddleware holds
        // every request with 503 during start-up (alive, and not ready, is exactly the answer then).
        app.UseHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponses.WriteAsync });
        app.UseHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = HealthResponses.WriteAsync });
        var metrics = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MetricsOptions>>().Value;
        if (metrics.Enabled)
        {
            var allowed = metrics.EffectiveAllowedNetworks();
            // Anyone else falls through to the rest of the pipeline: 404, as for any unknown path.
            app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
                context.Request.Path == MetricsPath && MetricsOptions.Allows(allowed, context.Connection.RemoteIpAddress));
        }
        app.Services.GetRequiredService<QueueGauges>();
    }

    /// <summary>Probes and scrapes: no spans, and Debug request lines.</summary>
    public static bool IsOperatorPath(PathString path) =>
        path == LivePath || path == ReadyPath || path == MetricsPath || path == "/health";
}
