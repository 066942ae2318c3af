using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CallEvents.Hosting.Settings;

/// <summary>
/// Every group of settings is read the same way: bound from its section, each value checked to
/// be of its type, then its ranges checked (<see cref="ISettings.Check"/>). A problem is an
/// <see cref="OptionsValidationException"/> whose failures each name one key, which the command
/// line prints as one line (Hosting/CommandLine.cs) instead of a stack trace.
/// </summary>
public static class SettingsReader
{
    /// <summary>
    /// <c>IOptions&lt;T&gt;</c> bound to <c>T.Section</c> and validated when the host starts
    /// (<c>ValidateOnStart</c>), not at the first request that reads it.
    /// </summary>
    public static OptionsBuilder<T> AddSettings<T>(this IServiceCollection services) where T : class, ISettings
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, Validation<T>>());
        return services.AddOptions<T>()
            .Configure<IConfiguration>((options, configuration) => Bind(configuration, options))
            .ValidateOnStart();
    }

    /// <summary>
    /// Every group registered with <see cref="AddSettings{T}"/>, validated now, as the host would
    /// at its start: before it starts, so that a problem is not also logged as a failed start.
    /// </summary>
    public static void Validate(IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();

    /// <summary>The group, read and validated now: for what decides the services to register (the database provider).</summary>
    public static T Read<T>(IConfiguration configuration) where T : class, ISettings, new()
    {
        var options = new T();
        Bind(configuration, options);
        var problems = ProblemsOf(options);
        return problems.Count == 0 ? options : throw new OptionsValidationException(Options.DefaultName, typeof(T), problems);
    }

    /// <summary>What an exception says about the settings, one line each; null when it is about something else.</summary>
    public static IReadOnlyList<string>? ProblemsIn(Exception exception) => exception switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException many when many.InnerExceptions.All(e => e is OptionsValidationException) =>
            [.. many.InnerExceptions.SelectMany(e => ((OptionsValidationException)e).Failures)],
        _ => null,
    };

    private static IReadOnlyList<string> ProblemsOf<T>(T options) where T : ISettings
    {
        var check = new SettingsCheck(T.Section);
        options.Check(check);
        return check.Problems;
    }

    private static void Bind<T>(IConfiguration configuration, T options) where T : ISettings
    {
        var section = T.Section.Length == 0 ? configuration : configuration.GetSection(T.Section);
        var problems = new List<string>();
        foreach (var property in Bindable(typeof(T)))
        {
            CheckValue(section.GetSection(property.Name), property.PropertyType, problems);
        }
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(T), problems);
        }
        section.Bind(options);
    }

    /// <summary>The properties the configuration binder sets: public, with a public setter.</summary>
    public static IEnumerable<PropertyInfo> Bindable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0);

    /// <summary>
    /// Whether the binder could convert the value, with the converter the binder uses. It throws
    /// on a bad value with its own wording, and it silently drops a bad item of a list (a mistyped
    /// retry delay would vanish) or a value given to a list itself (<c>Delivery__AllowedNetworks=…</c>).
    /// </summary>
    private static void CheckValue(IConfigurationSection section, Type type, List<string> problems)
    {
        var item = ItemType(type);
        if (item is not null)
        {
            if (section.Value is { Length: > 0 }) // an empty value is an empty list (JSON's [])
            {
                problems.Add($"{section.Path} is a list: give its items as {section.Path}:0, {section.Path}:1, … (environment: {EnvironmentName(section.Path)}__0, …).");
            }
            foreach (var child in section.GetChildren())
            {
                CheckValue(child, item, problems);
            }
            return;
        }
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (section.Value is not { } value || target == typeof(string))
        {
            return;
        }
        var converter = TypeDescriptor.GetConverter(target);
        try
        {
            var converted = converter.ConvertFromInvariantString(value);
            if (target.IsEnum && (converted is null || !Enum.IsDefined(target, converted)))
            {
                problems.Add($"{section.Path} is '{value}', which is not one of {string.Join(", ", Enum.GetNames(target))}.");
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            problems.Add($"{section.Path} is '{value}', which is not {Describe(target)}.");
        }
    }

    public static string EnvironmentName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    private static Type? ItemType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>) ? type.GetGenericArguments()[0]
        : null;

    private static string Describe(Type type) =>
        type == typeof(bool) ? "true or false"
        : type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) ? "a number"
        : type == typeof(TimeSpan) ? "a length of time ([d.]hh:mm:ss[.fff])"
        : type.IsEnum ? $"one of {string.Join(", ", Enum.GetNames(type))}"
        : $"a {type.Name}";

    private sealed class Validation<T> : IValidateOptions<T> where T : class, ISettings
    {
        public ValidateOptionsResult Validate(string? name, T options) =>
            ProblemsOf(options) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
