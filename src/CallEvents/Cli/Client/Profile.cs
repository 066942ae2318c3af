namespace CallEvents.Cli.Client;

/// <summary>What <c>callevents login</c> keeps for later commands: one server and the app to act as there.</summary>
public sealed record Profile(string Server, string ClientId, string ClientSecret);
