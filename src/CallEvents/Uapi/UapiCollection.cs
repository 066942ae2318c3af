namespace CallEvents.Uapi;

/// <summary>A UAPI collection answer: <c>{"entry":[…],"totalResults":…,"itemsPerPage":…,"startIndex":…,"paging":{…}}</c>.</summary>
public sealed record UapiCollection<T>(IReadOnlyList<T> Entry, int TotalResults, int ItemsPerPage, int StartIndex, Paging? Paging);
