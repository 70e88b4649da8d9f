namespace Intake.Core.Security;

/// <summary>What a key may do: read (GET), write (uploads, imports, cancels), admin (datasets, clear, delete, keys).</summary>
[Flags]
public enum ApiKeyScopes
{
    None = 0,
    Read = 1,
    Write = 2,
    Admin = 4,
    All = Read | Write | Admin,
}

public static class ApiKeyScopeNames
{
    public static IReadOnlyList<string> ToWire(this ApiKeyScopes scopes) =>
        new[] { (ApiKeyScopes.Read, "read"), (ApiKeyScopes.Write, "write"), (ApiKeyScopes.Admin, "admin") }
            .Where(s => scopes.HasFlag(s.Item1)).Select(s => s.Item2).ToList();

    public static bool TryParse(IEnumerable<string> names, out ApiKeyScopes scopes)
    {
        scopes = ApiKeyScopes.None;
        foreach (var name in names)
        {
            switch (name.Trim().ToLowerInvariant())
            {
                case "read":
                    scopes |= ApiKeyScopes.Read;
                    break;
                case "write":
                    scopes |= ApiKeyScopes.Write;
                    break;
                case "admin":
                    scopes |= ApiKeyScopes.Admin;
                    break;
                default:
                    return false;
            }
        }

        return scopes != ApiKeyScopes.None;
    }
}
