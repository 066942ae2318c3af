namespace CallEvents.Uapi;

/// <summary>
/// UAPI clients may send the token as <c>?accessRequestToken=Bearer%20…</c> instead of a
/// header (contract §3). Moving it into the Authorization header lets the OAuth library do the
/// one and only token validation.
/// </summary>
public sealed class QueryTokenMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Headers.ContainsKey("Authorization")
            && context.Request.Query.TryGetValue("accessRequestToken", out var values)
            && values.Count == 1 && values[0] is { Length: > 0 } value)
        {
            context.Request.Headers.Authorization = value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                ? value
                : "Bearer " + value;
        }
        return next(context);
    }
}
