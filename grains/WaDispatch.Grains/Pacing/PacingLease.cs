using System.Threading.RateLimiting;

namespace WaDispatch.Grains.Pacing;

/// <summary>A lease of a <see cref="SmoothRateLimiter"/>: granted, or refused with when to ask again.</summary>
internal sealed class PacingLease : RateLimitLease
{
    public static readonly PacingLease Granted = new(true, null);

    private static readonly string[] RetryAfterOnly = [MetadataName.RetryAfter.Name];

    private readonly TimeSpan? _retryAfter;

    private PacingLease(bool isAcquired, TimeSpan? retryAfter)
    {
        IsAcquired = isAcquired;
        _retryAfter = retryAfter;
    }

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : RetryAfterOnly;

    public static PacingLease Refused(TimeSpan retryAfter) => new(false, retryAfter);

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } after && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = after;
            return true;
        }

        metadata = null;
        return false;
    }
}
