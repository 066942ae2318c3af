using CallEvents.Storage;

namespace CallEvents.Hosting;

public static class Serving
{
    public const string DefaultUrls = "http://127.0.0.1:5080;https://127.0.0.1:5443";

    /// <summary>
    /// Listens on loopback by default (a fresh install is not exposed to the network); the usual
    /// ASP.NET Core ways override it (--urls, ASPNETCORE_URLS, Urls, Kestrel:Endpoints). An HTTPS
    /// endpoint without a configured certificate gets a self-signed one from the data directory.
    /// </summary>
    public static void ConfigureServing(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var explicitEndpoints = configuration.GetSection("Kestrel:Endpoints").Exists();
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls) && !explicitEndpoints)
        {
            urls = DefaultUrls;
            builder.WebHost.UseUrls(urls.Split(';'));
        }
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // A hook registration is small; the contract's 64 KiB body limit is enforced per
            // request with its own error, this only stops abuse early.
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            var wantsHttps = urls?.Contains("https://", StringComparison.OrdinalIgnoreCase) == true;
            if (wantsHttps && !configuration.GetSection("Kestrel:Certificates:Default").Exists())
            {
                var certificate = HttpsCertificate.LoadOrCreate(StorageSetup.DataDirectory(configuration));
                kestrel.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
            }
        });
    }
}
