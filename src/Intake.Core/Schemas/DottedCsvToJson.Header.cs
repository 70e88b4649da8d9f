namespace Intake.Core.Schemas;

/// <summary>Checking a header on its own, before any row: what a converter refuses up front.</summary>
public sealed partial class DottedCsvToJson
{
    /// <summary>
    /// Every place where the header itself makes a column collide with another, in column order: the same path
    /// twice, a value and an object or array at one place (<c>link</c> and <c>link.email</c>), an array and an
    /// object at one place (<c>products.0.sku</c> and <c>products.name</c>), or a path with an empty segment. Each
    /// problem names both columns. <see cref="TryWrite"/> reports these per row only when both cells have a value,
    /// which is what the server does; a converter that must never drop or overwrite a column refuses them here.
    /// </summary>
    public IReadOnlyList<CsvRowProblem> HeaderConflicts()
    {
        var conflicts = new List<(int Column, CsvRowProblem Problem)>();
        foreach (var (column, why) in _invalidColumns)
        {
            conflicts.Add((column, new(Columns[column], InvalidColumnMessage(column, why))));
        }

        FindConflicts(_root, conflicts);
        return conflicts.OrderBy(c => c.Column).Select(c => c.Problem).ToList();
    }

    private void FindConflicts(PathNode node, List<(int Column, CsvRowProblem Problem)> conflicts)
    {
        for (var i = 1; i < node.Columns.Count; i++)
        {
            var first = node.Columns[0];
            var again = node.Columns[i];
            conflicts.Add((again, new(Columns[again], $"Columns {first + 1} and {again + 1} are both [{Columns[again]}]: one field cannot come from two columns.")));
        }

        if (node.Columns.Count > 0 && (node.Names.Count > 0 || node.Indices.Count > 0))
        {
            var own = node.Columns[0];
            var below = Math.Min(FirstColumn(node.Names), FirstColumn(node.Indices));
            conflicts.Add((Math.Min(own, below), new(Columns[own],
                $"Columns [{Columns[own]}] and [{Columns[below]}] conflict: [{node.Path}] cannot be both a value and an object or array.")));
        }

        if (node.Names.Count > 0 && node.Indices.Count > 0)
        {
            var named = FirstColumn(node.Names);
            var indexed = FirstColumn(node.Indices);
            conflicts.Add((Math.Min(named, indexed), new(Columns[indexed],
                $"Columns [{Columns[indexed]}] and [{Columns[named]}] conflict: [{node.Path}] cannot be both an array and an object.")));
        }

        foreach (var child in node.Names)
        {
            FindConflicts(child, conflicts);
        }

        foreach (var child in node.Indices)
        {
            FindConflicts(child, conflicts);
        }
    }

    /// <summary>The lowest column index at or below any of <paramref name="nodes"/>, or <see cref="int.MaxValue"/>.</summary>
    private static int FirstColumn(List<PathNode> nodes)
    {
        var first = int.MaxValue;
        foreach (var node in nodes)
        {
            foreach (var column in node.Columns)
            {
                first = Math.Min(first, column);
            }

            first = Math.Min(first, Math.Min(FirstColumn(node.Names), FirstColumn(node.Indices)));
        }

        return first;
    }
}
