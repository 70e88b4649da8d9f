using System.Globalization;
using DuckDB.NET.Data;

namespace Intake.Benchmarks;

/// <summary>
/// DuckDB, an independent Parquet implementation, on the interactions CSV of bench/generate.sh: writes it as a typed
/// Parquet file for the import, and compares an exported Parquet file with it row by row (both ways, on every key
/// and value), so bench/parquet.sh proves the round trip at full size.
/// </summary>
internal static class ParquetCheck
{
    private const string Source = """
        SELECT type, source_id, target_id, "timestamp"::TIMESTAMPTZ AS "timestamp", metadata
        FROM read_csv({0}, header = true, columns = {{'type': 'VARCHAR', 'source_id': 'VARCHAR', 'target_id': 'VARCHAR', 'timestamp': 'VARCHAR', 'metadata': 'VARCHAR'}})
        """;

    public static void Write(string csv, string parquet)
    {
        using var duck = Open();
        Execute(duck, $"COPY ({string.Format(CultureInfo.InvariantCulture, Source, Quote(csv))}) TO {Quote(parquet)} (FORMAT PARQUET)");
    }

    /// <summary>Prints the row counts and the rows found on one side only; true when there are none.</summary>
    public static bool Compare(string csv, string exported)
    {
        using var duck = Open();
        Execute(duck, $"""
            CREATE TABLE source AS
            SELECT type, source_id, target_id, epoch_ms("timestamp") AS ts,
                   json_extract(metadata, '$.position')::BIGINT AS position, json_extract_string(metadata, '$.source') AS source
            FROM ({string.Format(CultureInfo.InvariantCulture, Source, Quote(csv))})
            """);
        Execute(duck, $"""
            CREATE VIEW exported AS
            SELECT type, source_id, target_id, epoch_ms("timestamp") AS ts, position, source FROM {Quote(exported)}
            """);
        var sourceRows = Scalar(duck, "SELECT count(*) FROM source");
        var exportedRows = Scalar(duck, "SELECT count(*) FROM exported");
        var missing = Scalar(duck, "SELECT count(*) FROM (SELECT * FROM source EXCEPT ALL SELECT * FROM exported)");
        var extra = Scalar(duck, "SELECT count(*) FROM (SELECT * FROM exported EXCEPT ALL SELECT * FROM source)");
        Console.WriteLine($"DuckDB read {exportedRows} rows of {sourceRows}; rows missing from the export {missing}, rows not in the source {extra}");
        return sourceRows == exportedRows && missing == 0 && extra == 0;
    }

    private static DuckDBConnection Open()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        return connection;
    }

    private static void Execute(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(DuckDBConnection duck, string sql)
    {
        using var command = duck.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static string Quote(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}
