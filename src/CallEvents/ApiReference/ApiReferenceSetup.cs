using CallEvents.Web;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace CallEvents.ApiReference;

/// <summary>
/// The API reference: an OpenAPI 3.1 document generated from the endpoints themselves (their
/// typed results, and the errors and query parameters they declare), served at
/// <see cref="DocumentPath"/> and committed as docs/openapi.json (a test keeps the two equal);
/// and an interactive reference (Scalar) at <c>/docs</c>, whose script is served by CallEvents
/// itself, so it works on a machine with no internet access.
/// </summary>
public static class ApiReferenceSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>
    /// The reference page's Content-Security-Policy. Scalar writes its configuration as an inline
    /// module script and styles its components at run time, so the pages' policy would leave it
    /// blank: inline script and style are allowed here (the page reflects nothing of the request
    /// but its own path, encoded), and everything else is as strict as the pages': every script,
    /// style, font and connection from this server only, so a pasted client secret can be sent
    /// nowhere else.
    /// </summary>
    public const string ReferencePolicy =
        "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static IServiceCollection AddApiReference(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1;
            options.AddDocumentTransformer<UapiDocumentTransformer>();
            options.AddOperationTransformer<UapiOperationTransformer>();
            options.AddSchemaTransformer<PublicSchemaTransformer>();
        });

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder routes)
    {
        routes.MapOpenApi("/openapi/{documentName}.json");
        routes.MapScalarApiReference("/docs", scalar => scalar
            .WithTitle("CallEvents API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            // Nothing from outside this server: no web fonts, no telemetry, no hosted agent.
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp()
            .AddPreferredSecuritySchemes(UapiDocumentTransformer.OAuthScheme)
            .AddClientCredentialsFlow(UapiDocumentTransformer.OAuthScheme, flow => flow.WithTokenUrl("/oauth/token.php")))
            .WithMetadata(new PagePolicy(ReferencePolicy));
        return routes;
    }
}
