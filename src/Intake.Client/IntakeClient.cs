namespace Intake.Client;

/// <summary>
/// The entry point of the client: sub-clients for <see cref="Datasets"/>, <see cref="Imports"/>, <see cref="Jobs"/>
/// and <see cref="Keys"/> share one <see cref="HttpClient"/>. Thread-safe; create one and reuse it.
/// </summary>
/// <example>
/// <code>
/// var client = new IntakeClient(new Uri("http://127.0.0.1:5080"), new IntakeKeyCredential(secret));
/// var import = await client.Imports.StartImportAsync("shop", "products.csv", new ImportOptions { Tags = ["product-data"] });
/// var result = await import.WaitForCompletionAsync(new Progress&lt;ImportProgress&gt;(p => Console.WriteLine(p.Counts.RecordsRead)));
/// </code>
/// </example>
public class IntakeClient : IDisposable
{
    private readonly HttpClient? _ownedHttp;

    /// <summary>For mocking.</summary>
    protected IntakeClient()
    {
        Connection = null!;
        Datasets = null!;
        Imports = null!;
        Jobs = null!;
        Keys = null!;
    }

    /// <summary>
    /// A client of the server at <paramref name="endpoint"/> with its own <see cref="HttpClient"/> (disposed with
    /// this client), presenting <paramref name="credential"/> on every request (none in development mode).
    /// </summary>
    public IntakeClient(Uri endpoint, IntakeKeyCredential? credential = null, IntakeClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        options ??= new IntakeClientOptions();
        HttpMessageHandler handler = options.Transport ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (credential is not null)
        {
            handler = new IntakeAuthenticationHandler(credential, options.Signing, options.TimeProvider) { InnerHandler = handler };
        }

        // Only the caller's token bounds a call: a 1 GiB upload or a long export must not hit HttpClient's 100 s default.
        _ownedHttp = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _ownedHttp.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        Connection = new IntakeConnection(_ownedHttp, endpoint);
        (Datasets, Imports, Jobs, Keys) = CreateSubClients();
    }

    /// <summary>
    /// A client over an <see cref="HttpClient"/> that is configured already (by <c>AddIntakeClient</c>, or by the
    /// caller with an <see cref="IntakeAuthenticationHandler"/>); the caller keeps ownership, and it is never
    /// changed. Its <see cref="HttpClient.BaseAddress"/> must be set.
    /// </summary>
    public IntakeClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        var endpoint = httpClient.BaseAddress
            ?? throw new ArgumentException("The HttpClient needs a BaseAddress: the server's URL, for example http://127.0.0.1:5080.", nameof(httpClient));
        Connection = new IntakeConnection(httpClient, endpoint);
        (Datasets, Imports, Jobs, Keys) = CreateSubClients();
    }

    /// <summary>The server's URL.</summary>
    public virtual Uri Endpoint => Connection.BaseAddress;

    /// <summary>Datasets, schemas, records and exports.</summary>
    public virtual DatasetsClient Datasets { get; }

    /// <summary>Imports and uploads.</summary>
    public virtual ImportsClient Imports { get; }

    /// <summary>The job log.</summary>
    public virtual JobsClient Jobs { get; }

    /// <summary>API keys (admin).</summary>
    public virtual KeysClient Keys { get; }

    internal IntakeConnection Connection { get; }

    /// <summary>Disposes the <see cref="HttpClient"/> this client created; one passed in is left alone.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes owned resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedHttp?.Dispose();
        }
    }

    private (DatasetsClient, ImportsClient, JobsClient, KeysClient) CreateSubClients() =>
        (new DatasetsClient(Connection), new ImportsClient(this, Connection), new JobsClient(Connection), new KeysClient(Connection));
}

/// <summary>Options of an <see cref="IntakeClient"/> that creates its own <see cref="HttpClient"/>.</summary>
public sealed class IntakeClientOptions
{
    /// <summary>How the key is presented; by default issued keys sign and the master key is a bearer token.</summary>
    public IntakeSigning Signing { get; set; } = IntakeSigning.Auto;

    /// <summary>The clock of signature timestamps.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The innermost handler (a test transport, a proxy); a <see cref="SocketsHttpHandler"/> by default.</summary>
    public HttpMessageHandler? Transport { get; set; }

    /// <summary>The <c>User-Agent</c> sent.</summary>
    public string UserAgent { get; set; } = "Intake.Client/" + typeof(IntakeClient).Assembly.GetName().Version?.ToString(3);
}
