using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace CallEvents.Storage.Secrets;

/// <summary>
/// Opens what <see cref="KeyRingEncryptor"/> sealed. Data Protection makes it by its type name,
/// from the stored key, with the application's services.
/// </summary>
public sealed class KeyRingDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) =>
        XElement.Parse(services.GetRequiredService<SecretsKey>().Open(encryptedElement.Value, SealedValues.DataProtectionKey));
}
