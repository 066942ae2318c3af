using CallEvents.PhoneCallEvents.Wire;
using CallEvents.Uapi;

namespace CallEvents.PhoneCallEvents.Handlers;

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

    /// <summary>Whether the filter can match rows other than all of them (totalResults needs a count then).</summary>
    public bool Filters => FilterBy is not null && !(FilterOp == FilterOp.Present && FilterBy != "note");

    /// <summary>
    /// The filter as a SQL condition on phone_call_events (null: no condition), with its one
    /// parameter as <c>@p{parameterIndex}</c>. Matching is case-sensitive on both providers.
    /// </summary>
    public string? FilterSql(bool sqlite, int parameterIndex, out object? parameter)
    {
        parameter = null;
        if (!Filters)
        {
            return null;
        }
        if (FilterOp == FilterOp.Present)
        {
            return "note IS NOT NULL AND note <> ''";
        }
        var value = FilterValue!;
        var p = "@p" + parameterIndex.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (FilterBy)
        {
            case "type" or "method" or "status":
                // Numeric fields are one digit on the wire: contains/equals/startsWith all mean "is this digit".
                if (value.Length == 0 && FilterOp != FilterOp.EqualTo)
                {
                    return null;
                }
                if (value is not { Length: 1 } || !char.IsAsciiDigit(value[0]))
                {
                    return "1 = 0";
                }
                parameter = value[0] - '0';
                return $"{FilterBy} = {p}";
            default: // id, url, note, modified: the column has the filter's name
                parameter = value;
                var column = FilterBy;
                return FilterOp switch
                {
                    FilterOp.EqualTo => $"{column} = {p}",
                    FilterOp.StartsWith => $"substr({column}, 1, length({p})) = {p}",
                    _ => sqlite ? $"instr({column}, {p}) > 0" : $"strpos({column}, {p}) > 0",
                } + (column == "note" ? " AND note IS NOT NULL" : "");
        }
    }

    /// <summary>The order of a List: by url, then id (ids are unique, so pages never overlap).</summary>
    public string OrderBySql => Descending ? "ORDER BY url DESC, id DESC" : "ORDER BY url, id";
}
