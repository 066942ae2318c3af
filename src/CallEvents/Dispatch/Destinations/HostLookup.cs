using System.Net;

namespace CallEvents.Dispatch.Destinations;

/// <summary>
/// Resolves a host name to its addresses, at registration (through <see cref="RegistrationDns"/>)
/// and when the sender connects. The server's is <see cref="Dns.GetHostAddressesAsync(string, CancellationToken)"/>;
/// tests register one that is slow, fails or hangs.
/// </summary>
public delegate Task<IPAddress[]> HostLookup(string host, CancellationToken cancellationToken);
