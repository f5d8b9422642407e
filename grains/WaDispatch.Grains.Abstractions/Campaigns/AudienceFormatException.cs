namespace WaDispatch.Grains.Campaigns;

/// <summary>An audience upload whose format is wrong as a whole (not one bad row, which is only skipped).</summary>
public sealed class AudienceFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AudienceFormatException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>, which names what is wrong.</summary>
    public AudienceFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and its cause.</summary>
    public AudienceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
