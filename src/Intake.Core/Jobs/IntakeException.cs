namespace Intake.Core.Jobs;

/// <summary>
/// An expected refusal carrying a stable code. Core services throw it for outcomes the caller
/// must see (not found, illegal transition, limit exceeded); the server maps it to problem details.
/// </summary>
public sealed class IntakeException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;

    public ErrorKind Kind => ErrorCodes.Describe(Code).Kind;

    /// <summary>Machine-readable facts of the refusal (a parameter's name, the nearest valid one), shown beside the code.</summary>
    public IReadOnlyDictionary<string, object?>? Details { get; init; }

    /// <summary>When the caller may try again (a <c>Retry-After</c>), for refusals that pass.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
