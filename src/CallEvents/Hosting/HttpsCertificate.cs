using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CallEvents.Storage.Secrets;

namespace CallEvents.Hosting;

/// <summary>
/// A self-signed certificate for 127.0.0.1/localhost, made once in the data directory so that
/// HTTPS works on first run without any setup. Operators configure a real one the usual way
/// (Kestrel:Certificates:Default), and then this is never made. The file holds the private key:
/// 0600 from its creation on, and one an earlier version left 0644 is tightened (PrivateFiles.cs).
/// </summary>
public static class HttpsCertificate
{
    public static X509Certificate2 LoadOrCreate(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "https-selfsigned.pfx");
        if (File.Exists(path))
        {
            PrivateFiles.Tighten(path);
            var existing = X509CertificateLoader.LoadPkcs12FromFile(path, password: null);
            if (existing.NotAfter > DateTime.UtcNow.AddDays(7))
            {
                return existing;
            }
        }
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=CallEvents self-signed", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(System.Net.IPAddress.Loopback);
        names.AddIpAddress(System.Net.IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(2));
        var pfx = created.Export(X509ContentType.Pfx);
        PrivateFiles.CreateDirectory(dataDirectory);
        PrivateFiles.Replace(path, pfx);
        return X509CertificateLoader.LoadPkcs12(pfx, password: null);
    }
}
