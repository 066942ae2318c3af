namespace CallEvents.Uapi;

public sealed record UapiError(int Status, string Code, string Message)
{
    public UapiException Exception() => new(this);

    public static readonly UapiError AccessDenied = new(401, "access_denied",
        "The access token is missing, malformed, expired or revoked.");
    public static readonly UapiError UserInvalid = new(400, "user_invalid",
        "Value supplied in the URI-Fragment as userId is invalid. The parameter must be @me, @viewer, @owner or reference an existing user.");
    public static readonly UapiError ExtensionInvalid = new(400, "extension_invalid",
        "Value supplied in the URI-Fragment as extension is invalid. The parameter must reference the number of an existing extension or cannot be set to @self.");
    public static readonly UapiError PceAccessDenied = new(400, "pce_access_denied",
        "You are not allowed to manage the phone call events.");
    public static readonly UapiError PceTypeInvalid = new(400, "pce_type_invalid",
        "Value supplied as eventType is invalid. The parameter must be one of 0, 1, 2, 3, 4.");
    public static readonly UapiError PcetTypeInvalid = new(400, "pcet_type_invalid",
        "Value supplied as type is invalid. The parameter must be one of 0, 1, 2, 3, 4.");
    public static readonly UapiError PceIdInvalid = new(400, "pce_id_invalid",
        "Value supplied in the URI-Fragment as eventId is invalid. The parameter must reference an existing phone call event.");
    public static readonly UapiError PceMethodInvalid = new(400, "pce_method_invalid",
        "Value supplied as method is invalid. The parameter must be 0 (GET) or 1 (POST).");
    public static readonly UapiError PceUrlInvalid = new(400, "pce_url_invalid",
        "Value supplied as url is invalid. The parameter must be an absolute http or https URL of at most 2048 characters, to an allowed destination.");
    public static readonly UapiError PceStatusInvalid = new(400, "pce_status_invalid",
        "Value supplied as status is invalid. The parameter must be 0 (disabled) or 1 (enabled).");
    public static readonly UapiError PceNoteInvalid = new(400, "pce_note_invalid",
        "Value supplied as note is invalid. The parameter must be a string of at most 1024 characters.");
    public static readonly UapiError PceLimitExceeded = new(400, "pce_limit_exceeded",
        "The extension has reached the maximum number of phone call events.");
    public static readonly UapiError RequestInvalid = new(400, "request_invalid",
        "The request is invalid: the body must be a JSON object with known fields.");
    public static readonly UapiError CountInvalid = new(400, "count_invalid",
        "Value supplied as count is invalid. The parameter must be an integer from 1 to 5000.");
    public static readonly UapiError StartIndexInvalid = new(400, "startindex_invalid",
        "Value supplied as startIndex is invalid. The parameter must be an integer from 0 to 5000.");
    public static readonly UapiError FilterByInvalid = new(400, "filterby_invalid",
        "Value supplied as filterBy is invalid. The parameter must name a field of the object.");
    public static readonly UapiError FilterOpInvalid = new(400, "filterop_invalid",
        "Value supplied as filterOp is invalid. The parameter must be contains, equals, startsWith or present.");
    public static readonly UapiError FilterValueInvalid = new(400, "filtervalue_invalid",
        "Value supplied as filterValue is invalid. The parameter is required by this filterOp.");
    public static readonly UapiError SortOrderInvalid = new(400, "sortorder_invalid",
        "Value supplied as sortOrder is invalid. The parameter must be ascending or descending.");
    public static readonly UapiError FieldsInvalid = new(400, "fields_invalid",
        "Value supplied as fields is invalid. The parameter must be a comma-separated list of the object's fields.");
    public static readonly UapiError RequestNotAllowed = new(405, "request_not_allowed",
        "The HTTP method is not allowed on this resource.");
    public static readonly UapiError RequestTooLarge = new(413, "request_too_large",
        "The request body is larger than 64 KiB.");
    public static readonly UapiError TooManyRequests = new(429, "too_many_requests",
        "Too many requests. Retry after the time given in Retry-After.");
    public static readonly UapiError InternalServerError = new(500, "internal_server_error",
        "The server could not complete the request.");
    public static readonly UapiError ServiceUnavailable = new(503, "service_unavailable",
        "The service is temporarily unavailable. Retry after the time given in Retry-After.");
    public static readonly UapiError RequestNotImplemented = new(501, "request_not_implemented",
        "The requested resource is not implemented.");
}
