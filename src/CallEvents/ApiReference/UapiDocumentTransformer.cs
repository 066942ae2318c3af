using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CallEvents.ApiReference;

/// <summary>
/// What the document says as a whole: its title, how to authenticate (the client-credentials
/// flow, a bearer token, or the UAPI's <c>accessRequestToken</c> query parameter), and no
/// server URL: the document is the same whichever Host a request names, and a reader tries
/// calls against the server that served it.
/// </summary>
public sealed class UapiDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string OAuthScheme = "oauth2";
    public const string BearerScheme = "bearer";
    public const string QueryTokenScheme = "accessRequestToken";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "CallEvents",
            Version = "v1",
            Description = """
                HTTP hooks on PBX extensions, over the UnifiedAPI PhoneCallEvents contract. Get a token with
                the client-credentials grant (POST /oauth/token.php), then manage the phone call events of
                the extensions your app's account may manage. Errors are {"error":{"code","message"}} with
                the statuses and codes listed under each operation; a method a resource lacks answers
                405 request_not_allowed and an unknown path 501 request_not_implemented. The full guide,
                including what a hook receives and how to verify its signature, is docs/api.md.
                """,
        };
        document.Servers = [];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
        {
            [OAuthScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = "A trusted app's client id and secret, exchanged for a token valid one hour.",
                Flows = new OpenApiOAuthFlows
                {
                    ClientCredentials = new OpenApiOAuthFlow { TokenUrl = new Uri("/oauth/token.php", UriKind.Relative), Scopes = new Dictionary<string, string>() },
                },
            },
            [BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "Authorization: Bearer <access token>.",
            },
            [QueryTokenScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Query,
                Name = "accessRequestToken",
                Description = "The token in the query, as Bearer%20<access token>; the header wins when both are sent.",
            },
        };
        return Task.CompletedTask;
    }
}
