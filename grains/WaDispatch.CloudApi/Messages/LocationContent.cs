namespace WaDispatch.CloudApi.Messages;

/// <summary>A location pin.</summary>
public sealed record LocationContent
{
    /// <summary>Latitude in degrees, −90 to 90.</summary>
    public double? Latitude { get; init; }

    /// <summary>Longitude in degrees, −180 to 180.</summary>
    public double? Longitude { get; init; }

    /// <summary>The place's name.</summary>
    public string? Name { get; init; }

    /// <summary>The place's address.</summary>
    public string? Address { get; init; }
}
