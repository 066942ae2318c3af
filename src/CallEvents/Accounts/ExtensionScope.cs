using System.Globalization;
using CallEvents.Uapi;

namespace CallEvents.Accounts;

/// <summary>
/// Contract §4 written once, as SQL: the extensions a caller may manage through a URI's userId,
/// and the users it may name there. Every rule of §4 is in this file: the userId forms, the
/// caller's context (global for the Admin, its organization otherwise), the owner a User-context
/// caller needs, that the extension's type allows phone call events (which types do is §2's rule,
/// <see cref="ExtensionTypes.AllowsPhoneCallEvents"/>), and the deny flags on the path to the
/// extension. Both paths read them, so they cannot drift apart (svix's <c>secure_find_by_id</c>;
/// STYLE.md practice 11):
/// <see cref="ExtensionAccess"/> selects <see cref="Sql.InScope"/> and <see cref="Sql.Manageable"/>
/// as columns of the extension it looks up, to answer extension_invalid or pce_access_denied in
/// the contract's order; the one-round-trip single delete (PhoneCallEvents/Handlers/SingleDelete.cs)
/// deletes only from <see cref="Sql.ManageableIds"/>.
///
/// The texts are fixed per shape (the caller's context × whether the userId names a user) and
/// built once, by <see cref="ExtensionStatement"/> and <see cref="UserStatement"/>: they are
/// prepared statements, cached by their text. Parameters are positional (@p0, @p1, …: PreparedSql
/// binds them in order), in the order <see cref="ExtensionParameters"/> and
/// <see cref="UserParameters"/> list them.
/// </summary>
public readonly struct ExtensionScope
{
    /// <summary>§4's table. A Service Provider holds no app (§2); were one to call, it would have no organization, so nothing in scope.</summary>
    private enum Context { Global, Organization, User }

    private static readonly Context[] Contexts = Enum.GetValues<Context>();

    private readonly Caller _caller;
    private readonly string? _namedUserId;
    private readonly Context _context;

    private ExtensionScope(Caller caller, string? namedUserId)
    {
        _caller = caller;
        _namedUserId = namedUserId;
        _context = IsGlobal(caller) ? Context.Global : caller.Kind == AccountKind.User ? Context.User : Context.Organization;
    }

    /// <summary>§4: the Admin's context is global, every extension (which the PBX's reports need: §9).</summary>
    public static bool IsGlobal(Caller caller) => caller.Kind == AccountKind.Admin;

    /// <summary>
    /// The userId forms of §4: false when <paramref name="userId"/> is malformed (user_invalid).
    /// <c>@me</c>/<c>@viewer</c> (extensions the caller or an account beneath it owns: for the
    /// Admin every one, for an organization its users', for a User its own) and <c>@owner</c>
    /// (whoever owns it, inside the context) all come to the context alone, so they name no user;
    /// a User-context caller's own-ness is <see cref="Sql.Manageable"/>'s, as §4 orders it. An
    /// Object-Id names a user, who must be visible and own the extension.
    /// </summary>
    public static bool TryParseUserId(string userId, out string? namedUserId)
    {
        if (userId is "@me" or "@viewer" or "@owner")
        {
            namedUserId = null;
            return true;
        }
        namedUserId = userId;
        return ObjectIds.IsObjectId(userId);
    }

    /// <summary>
    /// The plain case of a URI's <c>{userId}/{extension}</c>, for the one-round-trip paths (the
    /// single delete, PostgreSQL's <see cref="ExtensionAccess.CheckedExtension"/>): the scope and
    /// the extended number, when one statement can find the extension. False when the full path
    /// (<see cref="ExtensionAccess.ResolveAsync"/>) must run: a malformed userId or number, a
    /// short number it cannot extend here (one with a named user resolves in that user's
    /// organization, which the full path looks up), or a scope that cannot match (the full path
    /// says which error). A statement over this scope that finds the extension in scope and
    /// manageable means every check of the full path would have passed.
    /// </summary>
    public static bool TryPlain(Caller caller, string userId, string extension, out ExtensionScope scope, out string extended)
    {
        scope = default;
        extended = "";
        if (!TryParseUserId(userId, out var namedUserId) || !ExtensionNumber.TryParse(extension, out var number)
            || (number.IsShort && (namedUserId is not null || caller.OrganizationCode is null)))
        {
            return false;
        }
        scope = For(caller, namedUserId);
        extended = number.IsShort ? number.Extended(caller.OrganizationCode!) : extension;
        return scope.CanMatch;
    }

    /// <summary>The scope of <paramref name="caller"/> through a userId that names <paramref name="namedUserId"/> (null: @me, @viewer, @owner).</summary>
    public static ExtensionScope For(Caller caller, string? namedUserId) => new(caller, namedUserId);

    /// <summary>
    /// False when no extension can be in scope and manageable, so there is nothing to ask the
    /// database: a User-context caller naming another user (the owner must be both), or a
    /// non-global caller with no organization. The full path still asks, to say which error.
    /// </summary>
    public bool CanMatch =>
        (_context == Context.Global || _caller.OrganizationId is not null)
        && (_context != Context.User || _namedUserId is null || _namedUserId == _caller.AccountId);

    /// <summary>
    /// SQL over the extension <c>e</c> and the accounts on its path (owner <c>o</c>,
    /// organization <c>g</c>, service provider <c>p</c>, admin <c>a</c>).
    /// </summary>
    /// <param name="Extensions">The FROM clause that names them.</param>
    /// <param name="Number">e is the extension with the (extended) number given.</param>
    /// <param name="InScope">§4 step 3: an allowed type, inside the context, owned by the named user. False: extension_invalid.</param>
    /// <param name="Manageable">§4 step 4: a User-context caller's own, and no denial on its path. False: pce_access_denied.</param>
    public sealed record Sql(string Extensions, string Number, string InScope, string Manageable)
    {
        /// <summary>The id of the extension, when the caller may manage its phone call events.</summary>
        public string ManageableIds => $"SELECT e.id FROM {Extensions}\nWHERE {Number} AND {InScope} AND {Manageable}";
    }

    /// <summary>
    /// A statement about one extension, built once per shape by <paramref name="compose"/> from
    /// the pieces whose parameters start at <c>@p{firstParameter}</c> (the ones before are the
    /// statement's own: <see cref="ExtensionParameters"/>' <c>leading</c>).
    /// </summary>
    public static Func<ExtensionScope, string> ExtensionStatement(int firstParameter, Func<Sql, string> compose) =>
        PerShape((context, namesUser) =>
        {
            var p = firstParameter;
            var number = $"e.number = @p{p++}";
            return compose(Conditions(context, namesUser, number, ref p));
        });

    /// <summary>The values of an <see cref="ExtensionStatement"/>'s parameters: <paramref name="leading"/>, then the scope's for the extension numbered <paramref name="number"/>.</summary>
    public object?[] ExtensionParameters(string number, params ReadOnlySpan<object?> leading) => Parameters(number, leading);

    /// <summary>
    /// A statement over every extension of the scope (the console's list of what a person may
    /// manage): <see cref="Sql.Number"/> is TRUE, and the scope's parameters start at
    /// <c>@p{firstParameter}</c>, valued by <see cref="EveryExtensionParameters"/>.
    /// </summary>
    public static Func<ExtensionScope, string> EveryExtensionStatement(int firstParameter, Func<Sql, string> compose) =>
        PerShape((context, namesUser) =>
        {
            var p = firstParameter;
            return compose(Conditions(context, namesUser, "TRUE", ref p));
        });

    /// <summary>The values of an <see cref="EveryExtensionStatement"/>'s parameters: <paramref name="leading"/>, then the scope's.</summary>
    public object?[] EveryExtensionParameters(params ReadOnlySpan<object?> leading) => Parameters(null, leading);

    private static Sql Conditions(Context context, bool namesUser, string number, ref int p)
    {
        // The order of the parameters here is the order Parameters gives their values.
        var inScope = AllowedTypes + InContext(context, "e", ref p) + (namesUser ? $" AND e.owner_id = @p{p++}" : "");
        var manageable = (context == Context.User ? $"e.owner_id = @p{p++} AND " : "") + NotDenied;
        return new Sql(PathToExtension, number, $"({inScope})", $"({manageable})");
    }

    private object?[] Parameters(string? number, ReadOnlySpan<object?> leading)
    {
        var values = new object?[leading.Length + (number is null ? 0 : 1) + (_context == Context.Global ? 0 : 1) + (_namedUserId is null ? 0 : 1) + (_context == Context.User ? 1 : 0)];
        leading.CopyTo(values);
        var i = leading.Length;
        if (number is not null)
        {
            values[i++] = number;
        }
        if (_context != Context.Global)
        {
            values[i++] = _caller.OrganizationId;
        }
        if (_namedUserId is not null)
        {
            values[i++] = _namedUserId;
        }
        if (_context == Context.User)
        {
            values[i] = _caller.AccountId;
        }
        return values;
    }

    /// <summary>
    /// A statement about the account <c>u</c>, built once per shape by <paramref name="compose"/>
    /// from the condition "u is a user visible in the context" (Admin: every user; otherwise the
    /// users of the caller's organization, a User-context caller's colleagues included), whose
    /// parameters start at <c>@p{firstParameter}</c>.
    /// </summary>
    public static Func<ExtensionScope, string> UserStatement(int firstParameter, Func<string, string> compose) =>
        PerShape((context, _) =>
        {
            var p = firstParameter;
            return compose($"(u.kind = {(int)AccountKind.User}{InContext(context, "u", ref p)})");
        });

    /// <summary>The values of a <see cref="UserStatement"/>'s parameters: <paramref name="leading"/>, then the scope's.</summary>
    public object?[] UserParameters(params ReadOnlySpan<object?> leading)
    {
        var values = new object?[leading.Length + (_context == Context.Global ? 0 : 1)];
        leading.CopyTo(values);
        if (_context != Context.Global)
        {
            values[leading.Length] = _caller.OrganizationId;
        }
        return values;
    }

    /// <summary>The context, on an account or extension with an organization_id column: its value is the caller's <see cref="Caller.OrganizationId"/>.</summary>
    private static string InContext(Context context, string alias, ref int p) =>
        context == Context.Global ? "" : $" AND {alias}.organization_id = @p{p++}";

    private static int Shape(Context context, bool namesUser) => (int)context * 2 + (namesUser ? 1 : 0);

    private static Func<ExtensionScope, string> PerShape(Func<Context, bool, string> build)
    {
        var texts = new string[Contexts.Length * 2];
        foreach (var context in Contexts)
        {
            texts[Shape(context, false)] = build(context, false);
            texts[Shape(context, true)] = build(context, true);
        }
        return scope => texts[Shape(scope._context, scope._namedUserId is not null)];
    }

    private const string PathToExtension = """
        extensions e
        JOIN accounts o ON o.id = e.owner_id
        JOIN accounts g ON g.id = e.organization_id
        LEFT JOIN accounts p ON p.id = g.parent_id
        LEFT JOIN accounts a ON a.id = p.parent_id
        """;

    /// <summary>§2: a denial on an account applies to everything beneath it, so any flag on the path denies.</summary>
    private const string NotDenied = """
        NOT (o.phone_call_events_denied OR g.phone_call_events_denied
             OR COALESCE(p.phone_call_events_denied, FALSE) OR COALESCE(a.phone_call_events_denied, FALSE))
        """;

    private static readonly string AllowedTypes = "e.type IN (" + string.Join(", ",
        Enum.GetValues<ExtensionType>().Where(t => t.AllowsPhoneCallEvents()).Select(t => ((int)t).ToString(CultureInfo.InvariantCulture))) + ")";
}
