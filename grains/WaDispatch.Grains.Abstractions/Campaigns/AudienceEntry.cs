namespace WaDispatch.Grains.Campaigns;

/// <summary>One row of an uploaded audience.</summary>
/// <param name="To">The recipient's phone number as given.</param>
/// <param name="Values">Its per-recipient values, by key (the <c>{{key}}</c> placeholders of the template).</param>
[GenerateSerializer]
[Alias("wadispatch.AudienceEntry")]
public sealed record AudienceEntry(string? To, IReadOnlyDictionary<string, string> Values);
