using WaDispatch.Storage;

namespace WaDispatch.Client;

/// <summary>Settings of WaDispatch hosted in this process (<c>services.AddWaDispatch(o => …)</c>).</summary>
public sealed class WaDispatchEmbeddedOptions
{
    internal Action<StorageOptions> Storage { get; private set; } = s => s.UseSqlite();

    /// <summary>The Cloud API's address: Meta's Graph API (the default, <c>https://graph.facebook.com</c>) or a simulator.</summary>
    public Uri? UpstreamBaseAddress { get; set; }

    /// <summary>The Bearer token for the Cloud API. Required; never logged.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The Graph API version. Default <c>v21.0</c>.</summary>
    public string ApiVersion { get; set; } = "v21.0";

    /// <summary>The Meta app secret that signs webhooks, for <c>app.MapWhatsAppWebhooks()</c>.</summary>
    public string? WebhookAppSecret { get; set; }

    /// <summary>The token Meta echoes when verifying the webhook subscription.</summary>
    public string? WebhookVerifyToken { get; set; }

    /// <summary>The key that signs status callbacks; without it, callback URLs are refused.</summary>
    public string? CallbackSecret { get; set; }

    /// <summary>Keeps state in the SQLite file of <paramref name="connectionString"/> (default <c>Data Source=data/wadispatch.db</c>).</summary>
    public WaDispatchEmbeddedOptions UseSqlite(string? connectionString = null)
    {
        Storage = s => s.UseSqlite(connectionString);
        return this;
    }

    /// <summary>Keeps state in PostgreSQL.</summary>
    public WaDispatchEmbeddedOptions UsePostgres(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        Storage = s => s.UsePostgres(connectionString);
        return this;
    }
}
