using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace CallEvents.Storage.Secrets;

/// <summary>
/// Seals each ASP.NET Core Data Protection master key with the <see cref="SecretsKey"/> before the
/// key ring stores it, so that the ring (in the data directory, or in the database on
/// PostgreSQL) is no more readable than the other secrets. Without an encryptor Data Protection
/// stores master keys in the clear and says so at start.
/// </summary>
public sealed class KeyRingEncryptor(SecretsKey key) : IXmlEncryptor
{
    public const string ElementName = "sealedKey";

    public EncryptedXmlInfo Encrypt(XElement plaintextElement) =>
        new(new XElement(ElementName, key.Seal(plaintextElement.ToString(SaveOptions.DisableFormatting), SealedValues.DataProtectionKey)),
            typeof(KeyRingDecryptor));
}
