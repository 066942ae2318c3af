using CallEvents.Accounts;

namespace CallEvents.PhoneCallEvents.Handlers;

/// <summary>
/// The hot path of <c>DELETE …/phoneCallEvents/{eventType}/{eventId}</c> in one round trip
/// (issue 2, STYLE 3): one <c>DELETE … RETURNING id</c> of the event, if its extension is among
/// those the caller may manage (<see cref="ExtensionScope"/>: the rules of contract §4, the same
/// ones <see cref="ExtensionAccess"/> answers from). When it deletes the row, every check the
/// full path makes would have passed. When it deletes nothing, the caller runs the full path,
/// which finds the documented error in the documented order (or pce_id_invalid).
/// </summary>
public static class SingleDelete
{
    /// <summary>One text per shape of the scope, built once: each is prepared once.</summary>
    private static readonly Func<ExtensionScope, string> Delete = ExtensionScope.ExtensionStatement(2, scope =>
        $"DELETE FROM phone_call_events WHERE id = @p0 AND type = @p1 AND extension_id IN ({scope.ManageableIds}) RETURNING id");

    /// <summary>The statement for this request and its parameters, or false when it is not the plain case (the full path handles it).</summary>
    public static bool TryBuild(Caller caller, RouteValueDictionary values, out string sql, out object?[] parameters)
    {
        sql = "";
        parameters = [];
        if (!PlainRoute.TryRead(caller, values, out var plain) || plain is not { Type: { } type, EventId: { } eventId })
        {
            return false;
        }
        sql = Delete(plain.Scope);
        parameters = plain.Scope.ExtensionParameters(plain.Extended, eventId, type);
        return true;
    }
}
