using CallEvents.Uapi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallEvents.Dispatch.Signing;

/// <summary>
/// <c>GET /uapi/apps/@me/signingSecret</c> and <c>POST /uapi/apps/@me/signingSecret/rotate</c>:
/// an app reads and rotates the secret its deliveries are signed with. Only its own.
/// </summary>
public static class SigningSecretApi
{
    public static RouteGroupBuilder MapSigningSecrets(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/uapi/apps/@me/signingSecret").RequireCaller().WithTags("Apps");
        group.MapGet("", async Task<Ok<SigningSecretOut>> (HttpContext context, SigningSecrets secrets) =>
            TypedResults.Ok(await secrets.GetAsync(context.Caller().ClientId, context.RequestAborted)))
            .WithName("getSigningSecret").WithSummary("The secret this app's deliveries are signed with");
        group.MapPost("/rotate", async Task<Ok<SigningSecretOut>> (HttpContext context, SigningSecrets secrets) =>
            TypedResults.Ok(await secrets.RotateAsync(context.Caller().ClientId, CancellationToken.None)))
            .WithName("rotateSigningSecret").WithSummary("A new signing secret; the previous one keeps signing for a grace period");
        return group;
    }
}
