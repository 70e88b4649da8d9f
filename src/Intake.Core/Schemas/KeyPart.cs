using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Intake.Core.Jobs;

namespace Intake.Core.Schemas;

/// <summary>
/// One part of a record's key (an entity's id; an interaction's source, target or timestamp): the dotted
/// path or paths it is read from and how its value becomes key text.
/// <para>
/// A string, number or boolean is used as it is. An identity object such as <c>link</c> renders as
/// <c>kind:value</c> from the first of its schema's forms (anyOf/oneOf, in schema order) whose required
/// properties are all present: the kind is the form's first required property and the value that
/// property's value (<c>{"email":"jane@fake.com"}</c> → <c>email:jane@fake.com</c>,
/// <c>{"customer_id":"42","system_name":"pos"}</c> → <c>customer_id:42</c>: an optional property is not
/// part of the identity). Further required properties qualify the value in schema order, before it:
/// <c>{"external_id":"123","system_name":"pos"}</c> → <c>external_id:pos:123</c>. A form whose required
/// properties are a <c>X_type</c>/<c>X_value</c> pair names its kind in the data, so the deprecated
/// <c>{"link_type":"email","link_value":"jane@fake.com"}</c> renders like <c>{"email":…}</c>.
/// </para>
/// </summary>
internal sealed class KeyPart
{
    private readonly byte[][][] _segments;
    private readonly HashSet<string> _personalKinds;
    private readonly bool _personal;

    public KeyPart(IReadOnlyList<string> paths, FormInfo[]? forms, bool personal, IEnumerable<string> personalKinds)
    {
        Paths = paths;
        Forms = forms;
        _personal = personal;
        _personalKinds = personalKinds.ToHashSet(StringComparer.Ordinal);
        _segments = paths.Select(p => p.Split('.').Select(Encoding.UTF8.GetBytes).ToArray()).ToArray();
    }

    public IReadOnlyList<string> Paths { get; }

    /// <summary>The forms of the identity object at the path, or null when the value is a scalar.</summary>
    public FormInfo[]? Forms { get; }

    /// <summary>
    /// The index of the first path with a value (not null, not an empty string), or -1; then
    /// <paramref name="emptyIndex"/> is the first path holding an empty string, or -1.
    /// </summary>
    public int Find(JsonElement record, out JsonElement value, out int emptyIndex)
    {
        emptyIndex = -1;
        for (var i = 0; i < _segments.Length; i++)
        {
            if (!TryGet(record, i, out value))
            {
                continue;
            }

            if (value.ValueKind == JsonValueKind.String && value.ValueEquals(ReadOnlySpan<byte>.Empty))
            {
                emptyIndex = emptyIndex < 0 ? i : emptyIndex;
                continue;
            }

            return i;
        }

        value = default;
        return -1;
    }

    public bool TryGet(JsonElement record, int pathIndex, out JsonElement value)
    {
        value = record;
        foreach (var segment in _segments[pathIndex])
        {
            if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty(segment, out value))
            {
                return false;
            }
        }

        return value.ValueKind != JsonValueKind.Null;
    }

    /// <summary>Appends the key text of <paramref name="value"/> (found at path <paramref name="pathIndex"/>).</summary>
    public bool TryRender(JsonElement value, int pathIndex, ref Utf8Builder into, out SchemaViolation violation)
    {
        violation = default;
        if (SchemaJson.TryGetScalarUtf8(value, out var text))
        {
            into.Append(text);
            return true;
        }

        var form = ClaimingForm(value);
        if (form is null)
        {
            violation = new(RecordErrorCodes.InvalidValue, Paths[pathIndex], $"Field [{Paths[pathIndex]}] cannot be used as the record's key.");
            return false;
        }

        var main = form.NamesItsKind ? 1 : 0;
        if (!Scalar(value, form.RequiredUtf8(main), out var mainText) || mainText.IsEmpty)
        {
            var field = $"{Paths[pathIndex]}.{form.Required[main]}";
            violation = new(RecordErrorCodes.InvalidValue, field, $"Field [{field}] must not be empty: it identifies the record.");
            return false;
        }

        if (form.NamesItsKind)
        {
            Scalar(value, form.RequiredUtf8(0), out var kind);
            into.Append(kind);
        }
        else
        {
            into.Append(form.RequiredUtf8(0));
            for (var i = 1; i < form.Required.Length; i++)
            {
                Scalar(value, form.RequiredUtf8(i), out var qualifier);
                into.Append((byte)':');
                into.Append(qualifier);
            }
        }

        into.Append((byte)':');
        into.Append(mainText);
        return true;
    }

    private FormInfo? ClaimingForm(JsonElement value)
    {
        if (Forms is null || value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var form in Forms)
        {
            if (form.Claims(value))
            {
                return form;
            }
        }

        return null;
    }

    private static bool Scalar(JsonElement value, ReadOnlySpan<byte> property, out ReadOnlySpan<byte> text)
    {
        text = default;
        return value.TryGetProperty(property, out var member) && SchemaJson.TryGetScalarUtf8(member, out text);
    }

    /// <summary>
    /// The key text safe to show in error ids and messages: a personal value is replaced by the first 12 hex
    /// digits of its SHA-256 (<c>email:jane@fake.com</c> → <c>email:sha256:1f2e3d4c5b6a</c>), which still
    /// lets its owner find the record by hashing their own copy.
    /// </summary>
    public string Mask(string? rendered)
    {
        if (string.IsNullOrEmpty(rendered))
        {
            return rendered ?? "";
        }

        if (_personal)
        {
            return "sha256:" + ShortHash(rendered);
        }

        var colon = rendered.IndexOf(':', StringComparison.Ordinal);
        return Forms is not null && colon > 0 && _personalKinds.Contains(rendered[..colon])
            ? $"{rendered[..colon]}:sha256:{ShortHash(rendered[(colon + 1)..])}"
            : rendered;
    }

    private static string ShortHash(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)).AsSpan(0, 6));
}
