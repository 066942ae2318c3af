using System.Linq.Expressions;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents;

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

public enum FilterOp { Contains, EqualTo, StartsWith, Present }

/// <summary>The List query string (contract §7), validated as a whole before any database work.</summary>
public sealed record ListQuery(PageRequest Page, string? FilterBy, FilterOp FilterOp, string? FilterValue, bool Descending, FieldSelection Fields)
{
    public static readonly string[] FilterableFields = ["id", "type", "method", "url", "status", "note", "modified"];

    public static ListQuery From(IQueryCollection query)
    {
        var page = PageRequest.From(query);

        var filterBy = Single(query, "filterBy", UapiError.FilterByInvalid);
        if (filterBy is not null && !FilterableFields.Contains(filterBy))
        {
            throw UapiError.FilterByInvalid.Exception();
        }
        var op = Single(query, "filterOp", UapiError.FilterOpInvalid) switch
        {
            null or "contains" => FilterOp.Contains,
            "equals" => FilterOp.EqualTo,
            "startsWith" => FilterOp.StartsWith,
            "present" => FilterOp.Present,
            _ => throw UapiError.FilterOpInvalid.Exception(),
        };
        var value = Single(query, "filterValue", UapiError.FilterValueInvalid);
        if (filterBy is not null && op != FilterOp.Present && value is null)
        {
            throw UapiError.FilterValueInvalid.Exception();
        }
        if (value is { Length: > PhoneCallEventInput.MaxUrlLength })
        {
            throw UapiError.FilterValueInvalid.Exception();
        }
        var descending = Single(query, "sortOrder", UapiError.SortOrderInvalid) switch
        {
            null or "ascending" => false,
            "descending" => true,
            _ => throw UapiError.SortOrderInvalid.Exception(),
        };
        var fields = FieldSelection.Parse(Single(query, "fields", UapiError.FieldsInvalid));
        return new ListQuery(page, filterBy, op, value, descending, fields);
    }

    private static string? Single(IQueryCollection query, string name, UapiError error) =>
        !query.TryGetValue(name, out var values) ? null
        : values.Count == 1 ? values[0]
        : throw error.Exception();

    /// <summary>The filter as a predicate the database can run.</summary>
    public IQueryable<PhoneCallEvent> ApplyFilter(IQueryable<PhoneCallEvent> events)
    {
        if (FilterBy is null)
        {
            return events;
        }
        if (FilterOp == FilterOp.Present)
        {
            return FilterBy == "note" ? events.Where(e => e.Note != null && e.Note != "") : events;
        }
        var value = FilterValue!;
        return FilterBy switch
        {
            "type" => MatchDigit(events, value, digit => e => e.Type == digit),
            "method" => MatchDigit(events, value, digit => e => e.Method == digit),
            "status" => MatchDigit(events, value, digit => e => e.Status == digit),
            "id" => MatchText(events, value, e => e.Id),
            "url" => MatchText(events, value, e => e.Url),
            "note" => MatchText(events, value, e => e.Note!),
            "modified" => MatchText(events, value, e => e.Modified),
            _ => events,
        };
    }

    /// <summary>Numeric fields are one digit on the wire: contains/equals/startsWith all mean "is this digit".</summary>
    private IQueryable<PhoneCallEvent> MatchDigit(IQueryable<PhoneCallEvent> events, string value,
        Func<int, Expression<Func<PhoneCallEvent, bool>>> predicate)
    {
        if (value.Length == 0 && FilterOp != FilterOp.EqualTo)
        {
            return events;
        }
        return value is { Length: 1 } && char.IsAsciiDigit(value[0])
            ? events.Where(predicate(value[0] - '0'))
            : events.Where(_ => false);
    }

    private IQueryable<PhoneCallEvent> MatchText(IQueryable<PhoneCallEvent> events, string value,
        Expression<Func<PhoneCallEvent, string>> field)
    {
        var parameter = field.Parameters[0];
        var body = FilterOp switch
        {
            FilterOp.EqualTo => (Expression)Expression.Equal(field.Body, Expression.Constant(value)),
            FilterOp.StartsWith => Expression.Call(field.Body, StartsWithMethod, Expression.Constant(value)),
            _ => Expression.Call(field.Body, ContainsMethod, Expression.Constant(value)),
        };
        var notNull = Expression.NotEqual(field.Body, Expression.Constant(null, typeof(string)));
        return events.Where(Expression.Lambda<Func<PhoneCallEvent, bool>>(
            Expression.AndAlso(notNull, body), parameter));
    }

    private static readonly System.Reflection.MethodInfo StartsWithMethod = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly System.Reflection.MethodInfo ContainsMethod = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;

    public IQueryable<PhoneCallEvent> ApplySort(IQueryable<PhoneCallEvent> events) =>
        Descending
            ? events.OrderByDescending(e => e.Url).ThenByDescending(e => e.Id)
            : events.OrderBy(e => e.Url).ThenBy(e => e.Id);
}
