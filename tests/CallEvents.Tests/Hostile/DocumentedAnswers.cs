using System.Text.Json;

namespace CallEvents.Tests.Hostile;

/// <summary>
/// What the contract and docs/api.md allow as an answer, per kind of route: the UAPI envelope
/// with a documented code at that code's status, RFC 6749 JSON on the token endpoint, and what
/// SECURITY.md lists as the HTTP server's own refusals. Never a 500.
/// </summary>
public static class DocumentedAnswers
{
    /// <summary>docs/api.md "Error codes", without 500 and 503: nothing here is a server fault.</summary>
    public static readonly IReadOnlyDictionary<string, int> UapiCodes = new Dictionary<string, int>
    {
        ["user_invalid"] = 400, ["extension_invalid"] = 400, ["pce_access_denied"] = 400, ["pce_type_invalid"] = 400,
        ["pcet_type_invalid"] = 400, ["pce_id_invalid"] = 400, ["pce_method_invalid"] = 400, ["pce_url_invalid"] = 400,
        ["pce_status_invalid"] = 400, ["pce_note_invalid"] = 400, ["pce_limit_exceeded"] = 400, ["request_invalid"] = 400,
        ["count_invalid"] = 400, ["startindex_invalid"] = 400, ["filterby_invalid"] = 400, ["filterop_invalid"] = 400,
        ["filtervalue_invalid"] = 400, ["sortorder_invalid"] = 400, ["fields_invalid"] = 400, ["delivery_id_invalid"] = 400,
        ["access_denied"] = 401, ["request_not_allowed"] = 405, ["request_too_large"] = 413, ["too_many_requests"] = 429,
        ["request_not_implemented"] = 501,
    };

    /// <summary>docs/api.md "Token endpoint errors".</summary>
    public static readonly IReadOnlyDictionary<string, int> TokenErrors = new Dictionary<string, int>
    {
        ["invalid_request"] = 400, ["unauthorized_client"] = 400, ["unsupported_grant_type"] = 400, ["invalid_client"] = 401, ["slow_down"] = 429,
    };

    /// <summary>SECURITY.md "What the HTTP server refuses before the application": bare answers of Kestrel's.</summary>
    public static readonly int[] KestrelRefusals = [400, 414, 431, 505];

    /// <summary>Null when <paramref name="response"/> is a documented answer to <paramref name="request"/>, else why not.</summary>
    public static string? Check(HostileRequest request, RawHttp.Response response)
    {
        if (response.Status >= 500 && response.Status != 501)
        {
            return $"a {response.Status}";
        }
        var bare = response.Body.Length == 0 && response.ContentType is null;
        if (request.Method == "HEAD")
        {
            return null; // the status was checked; a HEAD answer has no body
        }
        if (bare && request.KestrelMayRefuse && KestrelRefusals.Contains(response.Status))
        {
            return null;
        }
        return request.Kind switch
        {
            RouteKind.Uapi => CheckUapi(response),
            RouteKind.Token => CheckToken(response),
            RouteKind.Page => CheckPage(response),
            _ => bare && response.Status is 404 or 405 ? null : CheckJsonOrEmpty(response),
        };
    }

    private static string? CheckUapi(RawHttp.Response response)
    {
        if (response.Status == 204)
        {
            return response.Body.Length == 0 ? null : "a 204 with a body";
        }
        if (!(response.ContentType?.StartsWith("application/json", StringComparison.Ordinal) ?? false))
        {
            return "not JSON";
        }
        using var json = Parse(response);
        if (json is null)
        {
            return "a body that does not parse as JSON";
        }
        if (response.Status is 200 or 202)
        {
            return null;
        }
        if (json.RootElement.ValueKind != JsonValueKind.Object
            || !json.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object
            || !error.TryGetProperty("code", out var code) || code.ValueKind != JsonValueKind.String
            || !error.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
        {
            return "not the UAPI envelope";
        }
        return UapiCodes.TryGetValue(code.GetString()!, out var status) && status == response.Status
            ? null
            : $"code {code.GetString()} is not documented with status {response.Status}";
    }

    private static string? CheckToken(RawHttp.Response response)
    {
        using var json = Parse(response);
        if (json is null || json.RootElement.ValueKind != JsonValueKind.Object)
        {
            return "not a JSON object";
        }
        if (response.Status == 200)
        {
            return json.RootElement.TryGetProperty("access_token", out _) ? null : "a 200 without access_token";
        }
        if (!json.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.String
            || !json.RootElement.TryGetProperty("error_description", out var description) || description.ValueKind != JsonValueKind.String)
        {
            return "not RFC 6749 JSON";
        }
        return TokenErrors.TryGetValue(error.GetString()!, out var status) && status == response.Status
            ? null
            : $"error {error.GetString()} is not documented with status {response.Status}";
    }

    /// <summary>What a page may answer: its HTML (or nothing), with a status a browser knows what to do with.</summary>
    public static readonly int[] PageStatuses = [200, 204, 302, 303, 400, 401, 403, 404, 405, 413, 415, 429];

    private static string? CheckPage(RawHttp.Response response)
    {
        if (!PageStatuses.Contains(response.Status))
        {
            return $"a {response.Status} from a page";
        }
        return response.Body.Length == 0 || response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true
            ? null
            : $"a page's body of type '{response.ContentType}', not HTML";
    }

    private static string? CheckJsonOrEmpty(RawHttp.Response response)
    {
        if (response.Body.Length == 0)
        {
            return null;
        }
        using var json = Parse(response);
        return json is null ? "a body that is neither empty nor JSON" : null;
    }

    private static JsonDocument? Parse(RawHttp.Response response)
    {
        try
        {
            return JsonDocument.Parse(response.Body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
