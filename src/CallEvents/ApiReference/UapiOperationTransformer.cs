using System.Globalization;
using System.Text.Json;
using CallEvents.OAuth.Tokens;
using CallEvents.Uapi;
using CallEvents.Uapi.Declarations;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CallEvents.ApiReference;

/// <summary>
/// Completes each operation from what its endpoint declares: the UAPI errors it may answer
/// (<see cref="DeclaredErrors"/>, grouped by status, one example per code, from the same
/// <see cref="UapiError"/> values the handlers throw), the query parameters its handler reads
/// (<see cref="DeclaredQuery"/>), the path parameters' meaning, its security, and examples.
/// </summary>
public sealed class UapiOperationTransformer : IOpenApiOperationTransformer
{
    private static readonly Dictionary<string, string> PathParameters = new(StringComparer.Ordinal)
    {
        ["userId"] = "@me (the token's account), @viewer (the same), @owner (the extension's owner), or a user's id.",
        ["extension"] = "An extension number: extended (0003*210) or short (210, in the caller's organization).",
        ["eventType"] = "0 dial-in, 1 dial-out, 2 hangup, 3 answer (incoming), 4 answer (outgoing).",
        ["eventId"] = "A phone call event's id: 30 letters or digits.",
        ["deliveryId"] = "A delivery's id, as the delivery log lists it.",
    };

    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        // The endpoint's own summary, not its handler's XML comment (written for maintainers).
        operation.Summary = metadata.OfType<IEndpointSummaryMetadata>().LastOrDefault()?.Summary;
        operation.Description = metadata.OfType<IEndpointDescriptionMetadata>().LastOrDefault()?.Description;
        DescribeParameters(operation, context.Description.RelativePath ?? "", metadata.OfType<DeclaredQuery>());

        if (metadata.OfType<DeclaredBody>().LastOrDefault() is { } body)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    [body.ContentType] = new() { Schema = await context.GetOrCreateSchemaAsync(body.BodyType, null, cancellationToken) },
                },
            };
        }

        var errors = metadata.OfType<DeclaredErrors>().SelectMany(d => d.Errors).Distinct().ToList();
        if (errors.Count > 0)
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(UapiJson.ErrorEnvelope), null, cancellationToken);
            operation.Responses ??= [];
            foreach (var status in errors.GroupBy(e => e.Status).OrderBy(g => g.Key))
            {
                operation.Responses[status.Key.ToString(CultureInfo.InvariantCulture)] = ErrorResponse(status.ToList(), schema);
            }
        }
        if (metadata.OfType<CallerRequired>().Any())
        {
            operation.Security =
            [
                Requirement(UapiDocumentTransformer.OAuthScheme, context),
                Requirement(UapiDocumentTransformer.BearerScheme, context),
                Requirement(UapiDocumentTransformer.QueryTokenScheme, context),
            ];
        }
        if (operation.OperationId == "issueToken")
        {
            AddTokenErrorExamples(operation);
        }
        ApiExamples.Apply(operation);
    }

    /// <summary>
    /// The route's path parameters (handlers read them from the route values, so that each bad
    /// one gets its own UAPI code), then the query parameters the endpoint declares.
    /// </summary>
    private static void DescribeParameters(OpenApiOperation operation, string route, IEnumerable<DeclaredQuery> query)
    {
        operation.Parameters ??= [];
        foreach (var segment in route.Split('/'))
        {
            if (segment is ['{', .. var name, '}'] && !operation.Parameters.Any(p => p.Name == name && p.In == ParameterLocation.Path))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Path,
                    Required = true,
                    Description = PathParameters.GetValueOrDefault(name),
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        }
        foreach (var declared in query)
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = declared.Name,
                In = ParameterLocation.Query,
                Description = declared.Description,
                Schema = new OpenApiSchema { Type = declared.Type == "integer" ? JsonSchemaType.Integer : JsonSchemaType.String },
                Example = declared.Example is null ? null : JsonValueOf(declared),
            });
        }
    }

    private static System.Text.Json.Nodes.JsonValue JsonValueOf(DeclaredQuery declared) =>
        declared.Type == "integer"
            ? System.Text.Json.Nodes.JsonValue.Create(int.Parse(declared.Example!, CultureInfo.InvariantCulture))
            : System.Text.Json.Nodes.JsonValue.Create(declared.Example!);

    private static OpenApiResponse ErrorResponse(List<UapiError> errors, IOpenApiSchema schema)
    {
        var response = new OpenApiResponse
        {
            Description = string.Join(", ", errors.Select(e => e.Code)),
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = schema,
                    Examples = errors.ToDictionary(e => e.Code, e => (IOpenApiExample)new OpenApiExample
                    {
                        Summary = e.Message,
                        Value = JsonSerializer.SerializeToNode(new UapiJson.ErrorEnvelope(new UapiJson.ErrorBody(e.Code, e.Message)), UapiJson.Options),
                    }),
                },
            },
        };
        if (errors[0].Status is 429 or 503)
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                ["Retry-After"] = new OpenApiHeader { Description = "Seconds to wait before retrying.", Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } },
            };
        }
        return response;
    }

    private static void AddTokenErrorExamples(OpenApiOperation operation)
    {
        foreach (var status in TokenError.Answered.GroupBy(e => e.Status))
        {
            if (operation.Responses?.TryGetValue(status.Key.ToString(CultureInfo.InvariantCulture), out var response) is not true
                || response is not OpenApiResponse { Content: { } content } || !content.TryGetValue("application/json", out var media))
            {
                continue;
            }
            response.Description = string.Join(", ", status.Select(e => e.Error));
            media.Examples = status.ToDictionary(e => e.Error, e => (IOpenApiExample)new OpenApiExample
            {
                Summary = e.When,
                Value = JsonSerializer.SerializeToNode(new TokenError(e.Error, e.When, null), UapiJson.Options),
            });
        }
    }

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiOperationTransformerContext context) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, context.Document)] = [] };
}
