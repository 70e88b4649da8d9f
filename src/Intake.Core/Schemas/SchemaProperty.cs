namespace Intake.Core.Schemas;

/// <summary>A named property of an object schema, in the schema's order.</summary>
internal sealed class SchemaProperty(string name, SchemaNode node, bool required)
{
    public string Name { get; } = name;

    public byte[] Utf8Name { get; } = System.Text.Encoding.UTF8.GetBytes(name);

    public SchemaNode Node { get; } = node;

    public bool Required { get; } = required;
}
