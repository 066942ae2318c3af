using System.Text.Json;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents.Wire;

/// <summary>
/// A Create or Update body, read field by field so that each bad field gets its own code
/// (contract §7). Numbers may come as JSON numbers or as strings of digits; read-only fields a
/// client may echo back (id, modified, links) are ignored; anything else is request_invalid.
/// </summary>
public sealed class PhoneCallEventInput
{
    public const int MaxNoteLength = 1024;
    public const int MaxUrlLength = 2048;

    /// <summary>
    /// At most 1024 characters of free text, without NUL: PostgreSQL cannot store a NUL in text,
    /// and a note must mean the same on every provider.
    /// </summary>
    public static bool IsValidNote(string? note) =>
        note is null || (note.Length <= MaxNoteLength && !note.Contains('\0', StringComparison.Ordinal));

    public bool HasType { get; private set; }
    public int? Type { get; private set; }
    public bool HasMethod { get; private set; }
    public int? Method { get; private set; }
    public bool HasUrl { get; private set; }
    public string? Url { get; private set; }
    public bool HasStatus { get; private set; }
    public int? Status { get; private set; }
    public bool HasNote { get; private set; }
    public string? Note { get; private set; }

    /// <summary>Fields that held a value of the wrong shape, reported in the contract's order.</summary>
    private readonly HashSet<string> _malformed = [];

    public bool IsMalformed(string field) => _malformed.Contains(field);

    public static PhoneCallEventInput Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw UapiError.RequestInvalid.Exception();
        }
        var input = new PhoneCallEventInput();
        foreach (var property in root.EnumerateObject())
        {
            switch (property.Name)
            {
                case "type":
                    input.HasType = true;
                    input.Type = input.ReadSmallInt(property.Value, "type", 0, 4);
                    break;
                case "method":
                    input.HasMethod = true;
                    input.Method = input.ReadSmallInt(property.Value, "method", 0, 1);
                    break;
                case "status":
                    input.HasStatus = true;
                    input.Status = input.ReadSmallInt(property.Value, "status", 0, 1);
                    break;
                case "url":
                    input.HasUrl = true;
                    input.Url = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : input.Malformed<string>("url");
                    break;
                case "note":
                    input.HasNote = true;
                    input.Note = property.Value.ValueKind switch
                    {
                        JsonValueKind.String => property.Value.GetString(),
                        JsonValueKind.Null => null,
                        _ => input.Malformed<string>("note"),
                    };
                    break;
                case "id" or "modified" or "links":
                    break; // read-only: a client may send back what it read
                default:
                    throw UapiError.RequestInvalid.Exception();
            }
        }
        return input;
    }

    private int? ReadSmallInt(JsonElement value, string field, int min, int max)
    {
        int parsed;
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetInt32(out parsed):
                break;
            case JsonValueKind.String when value.GetString() is { Length: 1 } text && char.IsAsciiDigit(text[0]):
                parsed = text[0] - '0';
                break;
            default:
                return Malformed<int?>(field);
        }
        return parsed >= min && parsed <= max ? parsed : Malformed<int?>(field);
    }

    private T? Malformed<T>(string field)
    {
        _malformed.Add(field);
        return default;
    }
}
