using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CallEvents.ApiReference;

/// <summary>
/// Keeps maintainers' notes out of the document: a wire type's XML summary explains why the
/// type exists (for this codebase), so it is not the schema's description. Property
/// descriptions stay: they are written for clients (what a field holds and allows).
/// </summary>
public sealed class PublicSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonPropertyInfo is null)
        {
            schema.Description = null;
        }
        return Task.CompletedTask;
    }
}
