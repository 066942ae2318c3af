namespace CallEvents.Accounts;

/// <summary>An extension the caller has been found allowed to manage.</summary>
/// <remarks><paramref name="EventCount"/>: its events when it was looked up (extensions.event_count).</remarks>
public sealed record ManagedExtension(long Id, string Number, string OwnerId, string OrganizationId, int EventCount);
