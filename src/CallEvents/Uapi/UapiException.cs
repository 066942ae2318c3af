namespace CallEvents.Uapi;

/// <summary>
/// A failure the client caused or must know about, in the contract's envelope
/// <c>{"error":{"code":…,"message":…}}</c>. Thrown anywhere below an endpoint and turned into
/// the response by <see cref="UapiErrorMiddleware"/>, so every path answers the same way.
/// </summary>
public sealed class UapiException(UapiError error) : Exception(error.Message)
{
    public UapiError Error { get; } = error;
}
