using System.Security.Cryptography;

namespace CallEvents.Uapi;

/// <summary>Server-generated identifiers and the shapes the contract allows for client-supplied ones.</summary>
public static class ObjectIds
{
    private const string Alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>30 characters [A-Za-z0-9] from the OS's cryptographic source: ~178 bits, unguessable.</summary>
    public static string NewEventId() => RandomNumberGenerator.GetString(Alphanumeric, 30);

    public static string NewId(int length) => RandomNumberGenerator.GetString(Alphanumeric, length);

    public static bool IsEventId(string? value) =>
        value is { Length: 30 } && value.AsSpan().IndexOfAnyExcept(AlphanumericValues) < 0;

    /// <summary>Object-Id: letters, digits, '_', '.', '-'.</summary>
    public static bool IsObjectId(string? value) =>
        value is { Length: > 0 and <= 64 } && value.AsSpan().IndexOfAnyExcept(ObjectIdValues) < 0;

    private static readonly System.Buffers.SearchValues<char> AlphanumericValues =
        System.Buffers.SearchValues.Create(Alphanumeric);

    private static readonly System.Buffers.SearchValues<char> ObjectIdValues =
        System.Buffers.SearchValues.Create(Alphanumeric + "_.-");
}
