using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Intake.Core.Jobs;
using Intake.Server.Api;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Intake.Server.Errors;

/// <summary>
/// Native request bodies are read with unmapped members disallowed, so a field the body's type does not have
/// fails binding. This turns that failure into <c>unknown_parameter</c> naming the field (with its path) and the
/// nearest field the body takes, found by walking the body type's JSON contract along the error's path.
/// </summary>
internal static class UnknownFields
{
    /// <summary>The refusal for a body that named an unknown field, or null when <paramref name="error"/> is another JSON error.</summary>
    /// <remarks>Called from the exception handler, which has cleared the request's endpoint: the failed one is given.</remarks>
    public static IntakeException? Describe(HttpContext context, Endpoint? endpoint, JsonException error)
    {
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return bodyType is null ? null : Describe(bodyType, options, error, UnknownParameters.Describe(context, endpoint));
    }

    public static IntakeException? Describe(Type bodyType, JsonSerializerOptions options, JsonException error, string where)
    {
        var path = Segments(error.Path);
        if (path.Count == 0)
        {
            return null;
        }

        var type = options.GetTypeInfo(bodyType);
        foreach (var segment in path[..^1])
        {
            type = segment is null
                ? type.ElementType is { } element ? options.GetTypeInfo(element) : null
                : Property(type, segment, options) is { } property ? options.GetTypeInfo(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) : null;
            if (type is null)
            {
                return null;
            }
        }

        var name = path[^1];
        if (name is null || type.Kind != JsonTypeInfoKind.Object || Property(type, name, options) is not null)
        {
            return null;
        }

        var parent = string.Join('.', path[..^1].Where(s => s is not null));
        var owner = parent.Length == 0 ? $"The body of {where}" : $"Field {parent} in the body of {where}";
        return UnknownParameters.Refuse("field", name, type.Properties.Select(p => p.Name).ToList(), owner,
            parent.Length == 0 ? name : $"{parent}.{name}");
    }

    private static JsonPropertyInfo? Property(JsonTypeInfo type, string name, JsonSerializerOptions options) =>
        type.Properties.FirstOrDefault(p => string.Equals(p.Name, name,
            options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));

    /// <summary><c>$.a.b[0]['c d']</c> → a, b, (index), c d; an index is null.</summary>
    private static List<string?> Segments(string? path)
    {
        var segments = new List<string?>();
        if (string.IsNullOrEmpty(path) || path[0] != '$')
        {
            return segments;
        }

        var i = 1;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? path.Length : end;
                segments.Add(path[(i + 1)..end]);
                i = end;
            }
            else if (path.AsSpan(i).StartsWith("['"))
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    return [];
                }

                segments.Add(path[(i + 2)..end]);
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    return [];
                }

                segments.Add(null);
                i = end + 1;
            }
            else
            {
                return [];
            }
        }

        return segments;
    }
}
