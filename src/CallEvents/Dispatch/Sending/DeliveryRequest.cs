using System.Net.Http.Headers;
using System.Text;
using CallEvents.Dispatch.Signing;

namespace CallEvents.Dispatch.Sending;

/// <summary>
/// The HTTP request of one delivery, as VoipNow sends it (contract §9): method 0 is a GET with
/// the parameters appended to the URL's own query, method 1 a form POST; plus the Standard
/// Webhooks headers, signed over exactly the bytes that go out.
/// </summary>
public static class DeliveryRequest
{
    /// <summary>The nine parameters in the documented order, form-encoded (space as '+', as PHP's urlencode does).</summary>
    public static string EncodeParameters(IEnumerable<KeyValuePair<string, string>> parameters)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in parameters)
        {
            if (text.Length > 0)
            {
                text.Append('&');
            }
            text.Append(Encode(name)).Append('=').Append(Encode(value));
        }
        return text.ToString();
    }

    private static string Encode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    /// <summary>The URL with the parameters appended to its query; a fragment is never sent.</summary>
    public static string GetUrl(string url, string payload)
    {
        var hash = url.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            url = url[..hash];
        }
        var question = url.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return url + "?" + payload;
        }
        return url.EndsWith('?') || url.EndsWith('&') ? url + payload : url + "&" + payload;
    }

    /// <summary>The query of <paramref name="uri"/> as HttpClient writes it in the request line (its escaped form), without the '?'.</summary>
    public static string SentQuery(Uri uri) => uri.GetComponents(UriComponents.Query, UriFormat.UriEscaped);

    public static HttpRequestMessage Build(int method, string url, string payload, string webhookId, long timestamp, IReadOnlyList<string> secrets)
    {
        HttpRequestMessage request;
        byte[] signedContent; // the bytes that go out: the signature is over exactly them
        if (method == 0)
        {
            // System.Uri rewrites the registered query on its way out (it escapes non-ASCII,
            // '"', '{', '}', '|' and a lone '%', and unescapes needless escapes such as %41), and
            // HttpClient sends that escaped form: sign the query as it goes on the wire, not as registered.
            var target = new Uri(GetUrl(url, payload), UriKind.Absolute);
            request = new HttpRequestMessage(HttpMethod.Get, target);
            signedContent = Encoding.UTF8.GetBytes(SentQuery(target));
        }
        else
        {
            var hash = url.IndexOf('#', StringComparison.Ordinal);
            var bytes = Encoding.UTF8.GetBytes(payload);
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
            content.Headers.ContentLength = bytes.Length;
            request = new HttpRequestMessage(HttpMethod.Post, new Uri(hash >= 0 ? url[..hash] : url, UriKind.Absolute)) { Content = content };
            signedContent = bytes;
        }
        request.Headers.TryAddWithoutValidation("User-Agent", "CallEvents");
        request.Headers.TryAddWithoutValidation("webhook-id", webhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (secrets.Count == 1)
        {
            request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.Sign(secrets[0], webhookId, timestamp, signedContent));
        }
        else if (secrets.Count > 1)
        {
            request.Headers.TryAddWithoutValidation("webhook-signature",
                string.Join(' ', secrets.Select(s => WebhookSignature.Sign(s, webhookId, timestamp, signedContent))));
        }
        return request;
    }
}
