namespace CallEvents.Uapi;

/// <summary>The paging parameters every collection shares (count, startIndex), validated.</summary>
public readonly record struct PageRequest(int Count, int StartIndex)
{
    public const int MaxCount = 5000;
    public const int MaxStartIndex = 5000;

    public static PageRequest From(IQueryCollection query)
    {
        var count = 20;
        var startIndex = 0;
        if (query.TryGetValue("count", out var countText)
            && (countText.Count != 1 || !int.TryParse(countText[0], System.Globalization.NumberStyles.None, null, out count) || count is < 1 or > MaxCount))
        {
            throw UapiError.CountInvalid.Exception();
        }
        if (query.TryGetValue("startIndex", out var startText)
            && (startText.Count != 1 || !int.TryParse(startText[0], System.Globalization.NumberStyles.None, null, out startIndex) || startIndex > MaxStartIndex))
        {
            throw UapiError.StartIndexInvalid.Exception();
        }
        return new PageRequest(count, startIndex);
    }

    /// <summary>Links to the neighbouring pages, keeping every other query parameter as sent.</summary>
    public Paging? LinksFor(HttpRequest request, int totalResults)
    {
        string? prev = StartIndex > 0 ? Link(request, Math.Max(0, StartIndex - Count)) : null;
        string? next = StartIndex + Count < totalResults && StartIndex + Count <= MaxStartIndex ? Link(request, StartIndex + Count) : null;
        return prev is null && next is null ? null : new Paging(prev, next);
    }

    private string Link(HttpRequest request, int startIndex)
    {
        var parameters = request.Query
            .Where(p => p.Key is not ("startIndex" or "count" or "accessRequestToken"))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new("startIndex", startIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Append(new("count", Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return UapiLinks.Base(request) + request.Path + Microsoft.AspNetCore.Http.QueryString.Create(parameters);
    }
}
