using WaDispatch.CloudApi.Templates;
using WaDispatch.CloudApi.Upstream;

namespace WaDispatch.Grains.Templates;

/// <summary>
/// Reads a WABA's whole catalog from the Graph API, page by page following the <c>after</c> cursor,
/// outside any grain turn, and hands it to the catalog in one call.
/// </summary>
public sealed class TemplateCatalogSync
{
    /// <summary>Templates per page asked for.</summary>
    public const int PageSize = 100;

    /// <summary>A guard against a cursor that never ends.</summary>
    private const int MaxPages = 1000;

    private readonly ICloudApi _upstream;
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;

    /// <summary>Creates the sync.</summary>
    public TemplateCatalogSync(ICloudApi upstream, IGrainFactory grains, TimeProvider time)
    {
        _upstream = upstream;
        _grains = grains;
        _time = time;
    }

    private static CloudApi.Errors.CloudApiError Incomplete(string wabaId, string why) =>
        CloudApi.Errors.CloudApiError.Create(CloudApi.Errors.ErrorCodes.TransportRejected, "Incomplete template list", $"The template list of WABA {wabaId} could not be read to its end: {why}. The last catalog stays in use.");

    /// <summary>Syncs <paramref name="wabaId"/>; returns the number of templates read, or the error that stopped the read (the catalog is then unchanged).</summary>
    public async Task<(int Templates, CloudApi.Errors.CloudApiError? Error)> SyncAsync(string wabaId, string? tokenReference = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(wabaId);
        var startedAt = _time.GetUtcNow();
        var templates = new List<MessageTemplate>();
        var cursors = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        for (var page = 0; ; page++)
        {
            if (page == MaxPages)
            {
                return (0, Incomplete(wabaId, $"more than {MaxPages} pages"));
            }

            var result = await _upstream.ListTemplatesAsync(wabaId, after, PageSize, tokenReference, cancellationToken).ConfigureAwait(false);
            if (result.Page is not { Data: { } data } read)
            {
                return (0, result.Error);
            }

            templates.AddRange(data.Where(t => t is not null));
            if (read.Paging?.Next is null)
            {
                break;
            }

            // A next page without a fresh cursor would be read wrong or forever: better no catalog than a wrong one.
            if (read.Paging.Cursors?.After is not { Length: > 0 } cursor || !cursors.Add(cursor))
            {
                return (0, Incomplete(wabaId, "a next page without a new after cursor"));
            }

            after = cursor;
        }

        // The read is as new as its start: a webhook that came during it may be newer and is kept.
        await _grains.GetGrain<ITemplateCatalogGrain>(wabaId).ReplaceAsync(templates, startedAt).ConfigureAwait(false);
        return (templates.Count, null);
    }
}
