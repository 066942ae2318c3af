namespace CallEvents.Hosting;

/// <summary>
/// The exit codes of every command, as README's command table documents them: a script can tell
/// "fix the command" from "fix the credentials" from "start the server" without reading stderr.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The server refused the request (its error code is printed), or the work failed.</summary>
    public const int Failed = 1;

    /// <summary>A bad command line or input: nothing was sent or written.</summary>
    public const int Usage = 2;

    /// <summary>The credentials were refused, or the app may not do this.</summary>
    public const int Credentials = 3;

    /// <summary>The server could not be reached.</summary>
    public const int Unreachable = 4;

    /// <summary>The address to listen on is taken by another process.</summary>
    public const int AddressInUse = 5;

    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;
}
