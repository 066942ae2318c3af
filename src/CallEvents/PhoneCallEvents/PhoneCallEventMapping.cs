using CallEvents.PhoneCallEvents.Handlers;
using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents;

internal static class PhoneCallEventMapping
{
    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    public static PhoneCallEventOut ToOut(this PhoneCallEvent pce, EventRoute route, HttpRequest request, FieldSelection? fields = null) =>
        pce.ToOut(route, UapiLinks.Base(request), fields);

    /// <summary>The same on a link base found once for the whole answer (a page of events: one lookup, not one per event).</summary>
    public static PhoneCallEventOut ToOut(this PhoneCallEvent pce, EventRoute route, string linkBase, FieldSelection? fields = null)
    {
        fields ??= FieldSelection.All;
        return new PhoneCallEventOut(
            pce.Id,
            fields.Type ? Digits[pce.Type] : null,
            fields.Method ? Digits[pce.Method] : null,
            fields.Url ? pce.Url : null,
            fields.Status ? Digits[pce.Status] : null,
            fields.Note ? pce.Note : null,
            fields.Modified ? pce.Modified : null,
            fields.Links ? new SelfLink(route.SelfLink(linkBase, pce.Type, pce.Id)) : null);
    }
}
