namespace CallEvents.Uapi;

public static class UapiLinks
{
    public static string Base(HttpRequest request) => $"{request.Scheme}://{request.Host}";
}
