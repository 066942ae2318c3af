namespace CallEvents.Uapi.Declarations;

/// <summary>
/// Endpoint metadata: the UAPI errors an endpoint (or every endpoint of a route group) may
/// answer. Errors are thrown as <see cref="UapiException"/> and written by one middleware, so
/// they do not appear in a handler's return type; declaring them here is what lets the OpenAPI
/// document (ApiReference/) list every status and code of every operation, from the same
/// <see cref="UapiError"/> values the handlers throw.
/// </summary>
public sealed record DeclaredErrors(IReadOnlyList<UapiError> Errors)
{
    /// <summary>What every authenticated route may answer before its handler runs.</summary>
    public static readonly UapiError[] OfAuthenticatedRoutes =
        [UapiError.AccessDenied, UapiError.TooManyRequests, UapiError.ServiceUnavailable];
}

public static class DeclaredErrorsExtensions
{
    /// <summary>Declares errors this endpoint or group may answer (for the API reference).</summary>
    public static TBuilder Answers<TBuilder>(this TBuilder builder, params UapiError[] errors) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new DeclaredErrors(errors));
}
