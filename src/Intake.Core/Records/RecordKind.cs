namespace Intake.Core.Records;

/// <summary>Every stored record is an entity (keyed by type and id) or an interaction (keyed by type, source, target and time).</summary>
public enum RecordKind
{
    Entity,
    Interaction,
}

public static class RecordKindNames
{
    public static string ToWire(this RecordKind kind) => kind == RecordKind.Entity ? "entity" : "interaction";

    public static bool TryParse(string? value, out RecordKind kind)
    {
        switch (value?.ToLowerInvariant())
        {
            case "entity" or "entities":
                kind = RecordKind.Entity;
                return true;
            case "interaction" or "interactions":
                kind = RecordKind.Interaction;
                return true;
            default:
                kind = default;
                return false;
        }
    }
}
