namespace CallEvents.Storage.Secrets;

/// <summary>
/// The secrets key is missing, malformed, or not the one the database's secrets were sealed with;
/// or a sealed value was altered. Its message is one line for the operator (<c>serve</c> and the
/// CLI print it and exit 2: an InvalidOperationException, as the CLI's other refusals), naming
/// where the key came from, never the key.
/// </summary>
public sealed class SecretsKeyException(string message) : InvalidOperationException(message);
