using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Intake.Core.Jobs;
using Intake.Server.Api;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Intake.Server.Errors;

/// <summary>
/// What a native request body that does not bind is told, found by walking the body type's JSON contract along the
/// error's path: a field the type does not have (bodies are read with unmapped members disallowed) is
/// <c>unknown_parameter</c> naming it and the nearest field the body takes; a value of the wrong kind is
/// <c>invalid_request</c> naming the field and the kind it takes; text that is not JSON is <c>invalid_request</c>
/// saying where it fails. System.Text.Json's own messages are not passed on: they name .NET types and can quote the input.
/// </summary>
internal static class BodyErrors
{
    /// <summary>The refusal for a body that failed to bind with <paramref name="error"/>, or null when the endpoint takes no JSON body.</summary>
    /// <remarks>Called from the exception handler, which has cleared the request's endpoint: the failed one is given.</remarks>
    public static IntakeException? Describe(HttpContext context, Endpoint? endpoint, JsonException error)
    {
        var bodyType = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return bodyType is null ? null : Describe(bodyType, options, error, UnknownParameters.Describe(context, endpoint));
    }

    public static IntakeException Describe(Type bodyType, JsonSerializerOptions options, JsonException error, string where)
    {
        var body = $"The body of {where}";
        if (error.InnerException?.GetType().Name == "JsonReaderException")
        {
            return new IntakeException(ErrorCodes.InvalidRequest,
                $"{body} is not valid JSON (error at line {(error.LineNumber ?? 0) + 1}, byte {error.BytePositionInLine ?? 0}).");
        }

        var path = Segments(error.Path);
        if (error.InnerException is NulRefusingStringConverter.HoldsNulException)
        {
            var holder = path.Count == 0 ? body : $"Field {string.Join('.', path.Where(s => s is not null))} in the body of {where}";
            return new IntakeException(ErrorCodes.InvalidRequest, $"{holder} holds the control character U+0000 (NUL); text fields take printable text.");
        }

        var type = options.GetTypeInfo(bodyType);
        foreach (var segment in path.Count == 0 ? [] : path[..^1])
        {
            type = segment is null
                ? type.ElementType is { } element ? options.GetTypeInfo(element) : null
                : Property(type, segment, options) is { } property ? options.GetTypeInfo(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType) : null;
            if (type is null)
            {
                return new IntakeException(ErrorCodes.InvalidRequest, $"{body} does not bind at {error.Path}.");
            }
        }

        if (path.Count == 0)
        {
            return new IntakeException(ErrorCodes.InvalidRequest, $"{body} must be {Kind(type.Type)}.");
        }

        var parent = string.Join('.', path[..^1].Where(s => s is not null));
        var name = path[^1];
        if (name is null)
        {
            var list = parent.Length == 0 ? "The body" : $"Field {parent}";
            return new IntakeException(ErrorCodes.InvalidRequest,
                $"{list} of {where} holds an element that is not {Kind(type.ElementType ?? typeof(object))}.");
        }

        var field = parent.Length == 0 ? name : $"{parent}.{name}";
        if (type.Kind == JsonTypeInfoKind.Object && Property(type, name, options) is { } known)
        {
            return new IntakeException(ErrorCodes.InvalidRequest, $"Field {field} in the body of {where} must be {Kind(known.PropertyType)}.");
        }

        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return new IntakeException(ErrorCodes.InvalidRequest, $"{body} does not bind at {error.Path}.");
        }

        var owner = parent.Length == 0 ? body : $"Field {parent} in the body of {where}";
        return UnknownParameters.Refuse("field", name, type.Properties.Select(p => p.Name).ToList(), owner, field);
    }

    /// <summary>The JSON a value of <paramref name="type"/> is written as, for a message.</summary>
    private static string Kind(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type.IsEnum || type == typeof(Guid) || type == typeof(Uri) ? "a string"
            : type == typeof(DateTimeOffset) || type == typeof(DateTime) ? "an ISO-8601 time as a string"
            : type == typeof(bool) ? "true or false"
            : type.IsPrimitive || type == typeof(decimal) ? type == typeof(int) || type == typeof(long) ? "a whole number" : "a number"
            : typeof(System.Collections.IDictionary).IsAssignableFrom(type) || IsGenericDictionary(type) ? "a JSON object"
            : typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? "an array"
            : "a JSON object";
    }

    private static bool IsGenericDictionary(Type type) =>
        type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d &&
            (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)));

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
