namespace CallEvents.Uapi.Declarations;

/// <summary>Endpoint metadata: the endpoint authenticates its caller (<see cref="CallerFilter.RequireCaller{TBuilder}"/>); the API reference lists its security schemes.</summary>
public sealed record CallerRequired;
