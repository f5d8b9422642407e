namespace WaDispatch.Grains;

/// <summary>
/// Where a send comes from, which decides what a limit does to it: a direct send is refused at once
/// with a reason and a retry time; a campaign send is deferred or skipped, never failed.
/// </summary>
public enum SendOrigin
{
    /// <summary>A direct send (an API call waiting for its answer).</summary>
    Direct,

    /// <summary>A campaign send.</summary>
    Campaign,
}
