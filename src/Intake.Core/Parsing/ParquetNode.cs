using System.Text.Json;
using Parquet.Schema;

namespace Intake.Core.Parsing;

/// <summary>
/// A field of a Parquet schema, assembled back into JSON row by row from its leaf columns' definition and
/// repetition levels (the Dremel encoding): a struct is an object, a list an array, a map an object. Every
/// leaf under a node sits at the same entry when the node's value starts, so the first leaf's levels say
/// whether the value is null, empty or goes on. Used by one thread.
/// </summary>
internal abstract class ParquetNode
{
    protected ParquetNode(Field field, string column)
    {
        Name = JsonEncodedText.Encode(field.Name);
        MaxDefinition = field.MaxDefinitionLevel;
        Column = column;
    }

    /// <summary>The field's name as a JSON property.</summary>
    public JsonEncodedText Name { get; }

    /// <summary>The definition level at which this node's value is present.</summary>
    public int MaxDefinition { get; }

    /// <summary>The dotted path of the top-level column, for messages.</summary>
    public string Column { get; }

    public abstract ParquetLeaf First { get; }

    /// <summary>Whether the value at the current entry is null (or its parent is).</summary>
    public virtual bool IsNull => First.Definition < MaxDefinition;

    /// <summary>Writes the value at the current entries (which is not null) and moves every leaf past it.</summary>
    public abstract void Write(Utf8JsonWriter json, ref ParquetRowProblem problem);

    /// <summary>Moves every leaf past a null value (one entry each).</summary>
    public abstract void Skip();

    /// <summary>
    /// The node for <paramref name="field"/> with its leaves collected in <paramref name="leaves"/>. Text leaves are read
    /// as raw bytes through a copy of the schema (<paramref name="rebuilt"/>) whose text fields are binary, so levels
    /// and paths stay the file's own.
    /// </summary>
    public static ParquetNode Create(Field field, Field rebuilt, string column, List<ParquetLeaf> leaves)
    {
        switch (field, rebuilt)
        {
            case (DataField data, DataField readAs):
                var leaf = new ParquetLeaf(data, readAs, column);
                leaves.Add(leaf);
                return data.MaxRepetitionLevel > 0 && data.IsArray ? new Repeated(data, leaf, column) : leaf;
            case (StructField structure, StructField rebuiltStructure):
                return new Struct(structure, structure.Fields.Zip(rebuiltStructure.Fields, (f, r) => Create(f, r, column, leaves)).ToArray(), column);
            case (ListField list, ListField rebuiltList):
                return new List(list, Create(list.Item, rebuiltList.Item, column, leaves), column);
            case (MapField map, MapField rebuiltMap):
                var key = Create(map.Key, rebuiltMap.Key, column, leaves);
                var value = Create(map.Value, rebuiltMap.Value, column, leaves);
                return key is ParquetLeaf keyLeaf
                    ? new Map(map, keyLeaf, value, column)
                    : throw new NotSupportedException($"Column {column} is a map whose keys are not plain values.");
            default:
                throw new NotSupportedException($"Column {column} has a Parquet type Intake does not read ({field.SchemaType}).");
        }
    }

    /// <summary>A copy of <paramref name="field"/> in which text leaves are binary, so they are read as their bytes.</summary>
    public static Field Rebuild(Field field) => field switch
    {
        DataField data when data.ClrType == typeof(ReadOnlyMemory<char>) || data.ClrType == typeof(string) =>
            new DataField(data.Name, typeof(ReadOnlyMemory<byte>), data.IsNullable, data.IsArray),
        DataField data => (Field)data.Clone(),
        StructField structure => new StructField(structure.Name, structure.Fields.Select(Rebuild).ToArray()),
        ListField list => new ListField(list.Name, Rebuild(list.Item), list.Path[list.Path.Length - 1]),
        MapField map => new MapField(map.Name, Rebuild(map.Key), Rebuild(map.Value)),
        _ => field,
    };

    private sealed class Struct(StructField field, ParquetNode[] children, string column) : ParquetNode(field, column)
    {
        public override ParquetLeaf First => children[0].First;

        public override void Write(Utf8JsonWriter json, ref ParquetRowProblem problem) => WriteObject(children, json, ref problem);

        public override void Skip()
        {
            foreach (var child in children)
            {
                child.Skip();
            }
        }
    }

    /// <summary>Shared by lists and maps: a value that is null below <c>MaxDefinition - 1</c>, empty at it, and has elements above.</summary>
    private abstract class Repeating(Field field, int repetition, string column) : ParquetNode(field, column)
    {
        public override bool IsNull => First.Definition < MaxDefinition - 1;

        public override void Write(Utf8JsonWriter json, ref ParquetRowProblem problem)
        {
            Start(json);
            if (First.Definition < MaxDefinition)
            {
                Skip();
            }
            else
            {
                do
                {
                    WriteElement(json, ref problem);
                }
                while (First.NextRepeats(repetition));
            }

            End(json);
        }

        protected abstract void Start(Utf8JsonWriter json);

        protected abstract void End(Utf8JsonWriter json);

        protected abstract void WriteElement(Utf8JsonWriter json, ref ParquetRowProblem problem);
    }

    private sealed class List(ListField field, ParquetNode item, string column) : Repeating(field, field.MaxRepetitionLevel, column)
    {
        public override ParquetLeaf First => item.First;

        public override void Skip() => item.Skip();

        protected override void Start(Utf8JsonWriter json) => json.WriteStartArray();

        protected override void End(Utf8JsonWriter json) => json.WriteEndArray();

        protected override void WriteElement(Utf8JsonWriter json, ref ParquetRowProblem problem) => WriteItem(item, json, ref problem);
    }

    /// <summary>A repeated primitive without a LIST annotation (BigQuery's REPEATED columns): never null, maybe empty.</summary>
    private sealed class Repeated(DataField field, ParquetLeaf leaf, string column) : Repeating(field, field.MaxRepetitionLevel, column)
    {
        public override bool IsNull => false;

        public override ParquetLeaf First => leaf;

        public override void Skip() => leaf.Skip();

        protected override void Start(Utf8JsonWriter json) => json.WriteStartArray();

        protected override void End(Utf8JsonWriter json) => json.WriteEndArray();

        protected override void WriteElement(Utf8JsonWriter json, ref ParquetRowProblem problem) => leaf.Write(json, ref problem);
    }

    private sealed class Map(MapField field, ParquetLeaf key, ParquetNode value, string column) : Repeating(field, field.MaxRepetitionLevel, column)
    {
        public override ParquetLeaf First => key;

        public override void Skip()
        {
            key.Skip();
            value.Skip();
        }

        protected override void Start(Utf8JsonWriter json) => json.WriteStartObject();

        protected override void End(Utf8JsonWriter json) => json.WriteEndObject();

        protected override void WriteElement(Utf8JsonWriter json, ref ParquetRowProblem problem)
        {
            key.WriteAsName(json, ref problem);
            WriteItem(value, json, ref problem);
        }
    }

    /// <summary>Writes <paramref name="members"/> as one JSON object; a null member is left out, as an absent CSV cell is.</summary>
    public static void WriteObject(ReadOnlySpan<ParquetNode> members, Utf8JsonWriter json, ref ParquetRowProblem problem)
    {
        json.WriteStartObject();
        foreach (var member in members)
        {
            if (member.IsNull)
            {
                member.Skip();
                continue;
            }

            json.WritePropertyName(member.Name);
            member.Write(json, ref problem);
        }

        json.WriteEndObject();
    }

    private static void WriteItem(ParquetNode item, Utf8JsonWriter json, ref ParquetRowProblem problem)
    {
        if (item.IsNull)
        {
            item.Skip();
            json.WriteNullValue();
        }
        else
        {
            item.Write(json, ref problem);
        }
    }
}
