using System.Globalization;
using Spectre.Console;

namespace Intake.Cli;

/// <summary>Small helpers for the human-readable output: tables without markup surprises, and figures.</summary>
internal static class Tables
{
    public static Table Create(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Simple);
        for (var i = 0; i < columns.Length; i++)
        {
            // Ids and figures never wrap; only the last column (a message, a description) does.
            var column = new TableColumn(Markup.Escape(columns[i]));
            table.AddColumn(i < columns.Length - 1 ? column.NoWrap() : column);
        }

        return table;
    }

    public static void AddRow(Table table, params object?[] cells) =>
        table.AddRow(cells.Select(c => new Text(Format(c))).ToArray<Spectre.Console.Rendering.IRenderable>());

    public static string Format(object? value) => value switch
    {
        null => "",
        DateTimeOffset time => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        long or int => string.Format(CultureInfo.InvariantCulture, "{0:N0}", value),
        IEnumerable<string> list => string.Join(", ", list),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    /// <summary>Two columns of names and values, for one object.</summary>
    public static Grid Details(IEnumerable<(string Name, object? Value)> rows)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (name, value) in rows)
        {
            grid.AddRow(new Text(name), new Text(Format(value)));
        }

        return grid;
    }

    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KB", "MB", "GB", "TB"];
        var unit = 0;
        while (bytes >= 1000 && unit < units.Length - 1)
        {
            bytes /= 1000;
            unit++;
        }

        return string.Format(CultureInfo.InvariantCulture, unit == 0 ? "{0:0} {1}" : "{0:0.0} {1}", bytes, units[unit]);
    }
}
