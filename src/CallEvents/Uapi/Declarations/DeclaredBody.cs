namespace CallEvents.Uapi.Declarations;

/// <summary>
/// Endpoint metadata: the body an endpoint reads, for the API reference only. Not ASP.NET Core's
/// <c>Accepts&lt;T&gt;()</c>: that also makes routing refuse another Content-Type with 415 before
/// the caller is authenticated, where the contract answers 401 first and a wrong body
/// <c>request_invalid</c> (the handler reads the body itself, field by field).
/// </summary>
public sealed record DeclaredBody(Type BodyType, string ContentType);

public static class DeclaredBodyExtensions
{
    public static RouteHandlerBuilder Takes<TBody>(this RouteHandlerBuilder builder, string contentType) =>
        builder.WithMetadata(new DeclaredBody(typeof(TBody), contentType));
}
