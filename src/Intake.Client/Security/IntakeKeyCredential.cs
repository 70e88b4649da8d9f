namespace Intake.Client;

/// <summary>
/// An API key's secret (<c>ik_key_…_…</c>, or the server's master key). The secret can be replaced with
/// <see cref="Update"/> (key rotation) but not read back through the public surface, so it does not end up
/// in logs or debugger displays. Thread-safe.
/// </summary>
public sealed class IntakeKeyCredential
{
    private const string KeyPrefix = "ik_key_";
    private volatile string _secret;

    /// <summary>Wraps <paramref name="secret"/>.</summary>
    public IntakeKeyCredential(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        _secret = secret;
    }

    /// <summary>
    /// The key's id (<c>key_…</c>) when the secret is one Intake issued, which can sign requests; null for
    /// another secret (the master key), which can only be sent as a bearer token.
    /// </summary>
    public string? KeyId => KeyIdOf(_secret);

    /// <summary>Replaces the secret; requests sent after this use the new one.</summary>
    public void Update(string secret)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secret);
        _secret = secret;
    }

    internal string Secret => _secret;

    /// <inheritdoc/>
    public override string ToString() => KeyId is { } id ? $"IntakeKeyCredential({id})" : "IntakeKeyCredential";

    // An issued secret is ik_<id>_<random>, where the id is key_<hex>: the server finds the key by that id.
    private static string? KeyIdOf(string secret)
    {
        if (!secret.StartsWith(KeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var separator = secret.IndexOf('_', KeyPrefix.Length);
        return separator > KeyPrefix.Length ? secret[3..separator] : null;
    }
}

/// <summary>How <see cref="IntakeAuthenticationHandler"/> presents the key.</summary>
public enum IntakeSigning
{
    /// <summary>Sign when the secret is an issued key (which any key may do, and a key created with <c>signed</c> must); else send it as a bearer token.</summary>
    Auto,

    /// <summary>Always <c>Authorization: Bearer</c>; a key created with <c>signed</c> is then refused (<c>signature_required</c>).</summary>
    Bearer,

    /// <summary>Always sign; an error if the secret is not an issued key.</summary>
    Signed,
}
