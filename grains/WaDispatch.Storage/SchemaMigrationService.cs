using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace WaDispatch.Storage;

/// <summary>Migrates the schema when the host starts, before anything serves requests.</summary>
internal sealed partial class SchemaMigrationService : IHostedService
{
    private readonly SchemaMigrator _migrator;
    private readonly StorageDatabase _database;
    private readonly ILogger<SchemaMigrationService> _logger;

    public SchemaMigrationService(SchemaMigrator migrator, StorageDatabase database, ILogger<SchemaMigrationService> logger)
    {
        _migrator = migrator;
        _database = database;
        _logger = logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await _migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        LogSchemaReady(_database.Provider, _database.Scripts.Migrations.Count, applied.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "{Provider} schema is current: {Total} migrations, {Applied} applied now")]
    private partial void LogSchemaReady(StorageProvider provider, int total, int applied);
}
