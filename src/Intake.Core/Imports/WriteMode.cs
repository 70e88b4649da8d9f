namespace Intake.Core.Imports;

/// <summary>How an import treats keys that exist already (DESIGN.md 2.3).</summary>
public enum WriteMode
{
    /// <summary>A repeated key overwrites, in the same file (last wins) or a later one.</summary>
    Upsert,

    /// <summary>A key that exists is rejected with <c>EntityAlreadyExists</c>.</summary>
    Insert,

    /// <summary>Upsert, then delete the records of the same record type that the file did not contain.</summary>
    Replace,
}

public static class WriteModeNames
{
    public static string ToWire(this WriteMode mode) => mode switch
    {
        WriteMode.Upsert => "upsert",
        WriteMode.Insert => "insert",
        WriteMode.Replace => "replace",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static bool TryParse(string? value, out WriteMode mode)
    {
        foreach (var candidate in Enum.GetValues<WriteMode>())
        {
            if (string.Equals(candidate.ToWire(), value, StringComparison.OrdinalIgnoreCase))
            {
                mode = candidate;
                return true;
            }
        }

        mode = default;
        return false;
    }
}
