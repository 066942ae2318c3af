namespace CallEvents.Uapi.Declarations;

/// <summary>
/// Endpoint metadata: a query parameter the handler reads from <c>Request.Query</c> itself
/// (paging, filters): parsed by hand so that each bad value gets its own UAPI error code rather
/// than the framework's binding failure, and declared here so the API reference shows it.
/// </summary>
public sealed record DeclaredQuery(string Name, string Description, string Type = "string", string? Example = null);

public static class DeclaredQueryExtensions
{
    public static TBuilder Reads<TBuilder>(this TBuilder builder, params DeclaredQuery[] parameters) where TBuilder : IEndpointConventionBuilder
    {
        foreach (var parameter in parameters)
        {
            builder.WithMetadata(parameter);
        }
        return builder;
    }

    /// <summary>The paging parameters every collection reads (count 1-5000, startIndex 0-5000).</summary>
    public static readonly DeclaredQuery[] Paging =
    [
        new("count", "How many entries per page, 1 to 5000 (default 20).", "integer", "20"),
        new("startIndex", "The 0-based index of the first entry, 0 to 5000.", "integer", "0"),
    ];
}
