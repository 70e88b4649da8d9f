using System.Net;
using Intake.Core.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Intake.Server.Security;

/// <summary>
/// Refuses to serve beyond loopback without a master key of at least <see cref="MinMasterKeyLength"/> characters
/// (DESIGN.md 5). It judges the addresses the server actually bound, read from <see cref="IServerAddressesFeature"/>
/// once it has started, not the configuration that led there: the routes to a binding are many (<c>--urls</c>,
/// <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>, <c>Kestrel:Endpoints:&lt;any name&gt;</c>, <c>Listen*</c> in
/// code, host names that bind every interface) and only Kestrel resolves them all (#14: a check of <c>urls</c>
/// alone was bypassed). Requests that arrive between the bind and the verdict wait for it (<see cref="GateAsync"/>)
/// and are dropped unanswered if the server refuses; a refusal is one critical log line, then a clean stop with
/// <see cref="ExitCode"/> 1.
/// </summary>
internal sealed partial class ListenGuard(IServer server, IOptions<SecurityOptions> security, IHostApplicationLifetime lifetime,
    ILogger<ListenGuard> logger) : IHostedLifecycleService
{
    public const int MinMasterKeyLength = 32;

    private readonly TaskCompletionSource<bool> _verdict = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>0, or 1 when the server refused to serve on its addresses.</summary>
    public int ExitCode { get; private set; }

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
        var open = addresses.Where(address => !IsLocal(address)).ToList();
        var masterKey = security.Value.MasterKey;
        if (open.Count > 0 && (masterKey is null || masterKey.Length < MinMasterKeyLength))
        {
            LogRefused(string.Join(", ", open), string.IsNullOrEmpty(masterKey) ? "without a master key" : $"with a master key shorter than {MinMasterKeyLength} characters");
            ExitCode = 1;
            _verdict.TrySetResult(false);
            lifetime.StopApplication();
            return Task.CompletedTask;
        }

        if (string.IsNullOrEmpty(masterKey))
        {
            LogDevelopmentMode(string.Join(", ", addresses));
        }

        _verdict.TrySetResult(true);
        return Task.CompletedTask;
    }

    /// <summary>The first middleware: holds requests until the addresses are judged, and drops them if the server refused.</summary>
    public async Task GateAsync(HttpContext context, RequestDelegate next)
    {
        if (await _verdict.Task)
        {
            await next(context);
            return;
        }

        context.Abort();
    }

    public Task StoppingAsync(CancellationToken cancellationToken)
    {
        _verdict.TrySetResult(false);
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Loopback addresses, <c>localhost</c> (which Kestrel binds to loopback only) and Unix sockets or named pipes
    /// (not reachable over a network). Anything else, including <c>[::]</c>, <c>0.0.0.0</c> and a host name (Kestrel
    /// binds every interface for one), is open.
    /// </summary>
    internal static bool IsLocal(string address)
    {
        var binding = BindingAddress.Parse(address);
        if (binding.IsUnixPipe || binding.IsNamedPipe || string.Equals(binding.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(binding.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Critical,
        Message = "Refusing to serve on {Addresses} {Reason}: anyone who can reach it could use the API. Set INTAKE_MASTER_KEY (or Security:MasterKey) to a random secret of 32 or more characters, or listen on a loopback address such as http://127.0.0.1:5080.")]
    private partial void LogRefused(string addresses, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Intake runs without a master key (development mode) on {Addresses}: requests need no key. Set INTAKE_MASTER_KEY before listening anywhere else.")]
    private partial void LogDevelopmentMode(string addresses);
}
