namespace WaDispatch.Grains.Recipients;

/// <summary>The key of a recipient grain: <c>{phone_number_id}:{wa_id}</c>.</summary>
public static class RecipientKey
{
    /// <summary>The key of the pair (<paramref name="phoneNumberId"/>, <paramref name="waId"/>).</summary>
    public static string Of(string phoneNumberId, string waId)
    {
        ArgumentException.ThrowIfNullOrEmpty(phoneNumberId);
        ArgumentException.ThrowIfNullOrEmpty(waId);
        return string.Concat(phoneNumberId, ":", waId);
    }

    /// <summary>The pair a key names.</summary>
    /// <exception cref="FormatException">The key is not <c>{phone_number_id}:{wa_id}</c>.</exception>
    public static (string PhoneNumberId, string WaId) Parse(string key)
    {
        var separator = key.IndexOf(':', StringComparison.Ordinal);
        return separator > 0 && separator < key.Length - 1
            ? (key[..separator], key[(separator + 1)..])
            : throw new FormatException($"A recipient key is '{{phone_number_id}}:{{wa_id}}'; got '{key}'.");
    }
}
