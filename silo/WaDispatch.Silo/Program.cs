using WaDispatch.Silo;

var app = SiloApplication.Create(args);
await app.RunAsync();

/// <summary>The silo's entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
