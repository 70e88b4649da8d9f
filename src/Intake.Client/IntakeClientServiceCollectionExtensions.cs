using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Intake.Client;

/// <summary>Registers <see cref="IntakeClient"/> with <see cref="IHttpClientFactory"/>.</summary>
public static class IntakeClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a typed <see cref="IntakeClient"/> whose <see cref="HttpClient"/> comes from the factory, pointed at
    /// <paramref name="endpoint"/>, with no time limit but the caller's token, and presenting
    /// <paramref name="credential"/> when given. Uses <c>TryAdd</c>, so an earlier registration wins; returns the
    /// builder to add handlers (retries, logging).
    /// </summary>
    public static IHttpClientBuilder AddIntakeClient(this IServiceCollection services, Uri endpoint, IntakeKeyCredential? credential = null,
        IntakeSigning signing = IntakeSigning.Auto)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(endpoint);
        services.TryAddSingleton(TimeProvider.System);
        var builder = services.AddHttpClient(nameof(IntakeClient), http =>
        {
            http.BaseAddress = endpoint;
            http.Timeout = Timeout.InfiniteTimeSpan;
        });
        if (credential is not null)
        {
            builder.AddHttpMessageHandler(provider => new IntakeAuthenticationHandler(credential, signing, provider.GetRequiredService<TimeProvider>()));
        }

        services.TryAddTransient(provider => new IntakeClient(provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(IntakeClient))));
        return builder;
    }
}
