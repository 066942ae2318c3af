namespace CallEvents.Web;

/// <summary>
/// An endpoint's own Content-Security-Policy, in place of <see cref="PageSecurityHeaders.Policy"/>:
/// for HTML that a library writes and that cannot live under the pages' policy (Scalar's
/// reference at /docs starts from an inline script). Put on the endpoint with <c>WithMetadata</c>.
/// </summary>
public sealed record PagePolicy(string Value);
