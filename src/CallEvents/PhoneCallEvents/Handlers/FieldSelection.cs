using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents.Handlers;

/// <summary>Which fields a List answer carries (<c>fields=</c>); <c>id</c> is always kept.</summary>
public sealed record FieldSelection(bool Type, bool Method, bool Url, bool Status, bool Note, bool Modified, bool Links)
{
    public static readonly FieldSelection All = new(true, true, true, true, true, true, true);

    public static FieldSelection Parse(string? text)
    {
        if (text is null)
        {
            return All;
        }
        var selection = new FieldSelection(false, false, false, false, false, false, false);
        foreach (var raw in text.Split(','))
        {
            selection = raw.Trim() switch
            {
                "id" => selection,
                "type" => selection with { Type = true },
                "method" => selection with { Method = true },
                "url" => selection with { Url = true },
                "status" => selection with { Status = true },
                "note" => selection with { Note = true },
                "modified" => selection with { Modified = true },
                "links" => selection with { Links = true },
                _ => throw UapiError.FieldsInvalid.Exception(),
            };
        }
        return selection;
    }
}
