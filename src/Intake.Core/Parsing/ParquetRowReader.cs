using System.Text.Json;
using Intake.Core.Jobs;
using Parquet;
using Parquet.Schema;

namespace Intake.Core.Parsing;

/// <summary>
/// Reads a Parquet file row by row, each row written as one JSON object of its columns (nulls left out), so
/// that the record types read it exactly as they read a JSON record. One row group is decoded at a time:
/// memory follows the file's row-group size, not its length. Used by one thread.
/// </summary>
internal sealed class ParquetRowReader : IDisposable
{
    private readonly ParquetReader _reader;
    private readonly Stream _file;
    private ParquetNode[] _columns = [];
    private List<ParquetLeaf> _leaves = [];
    private int _rowGroup = -1;
    private long _rowsLeft;

    private readonly long _maxRowGroupBytes;

    private ParquetRowReader(ParquetReader reader, Stream file, long maxRowGroupBytes)
    {
        _reader = reader;
        _file = file;
        _maxRowGroupBytes = maxRowGroupBytes;
        ColumnNames = reader.Schema.Fields.Select(f => f.Name).ToList();
    }

    /// <summary>The top-level column names, in file order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>Rows read so far: the 1-based number of the last row read, which is its <c>line</c>.</summary>
    public long Row { get; private set; }

    /// <summary>Reads the footer of <paramref name="file"/> (seekable; disposed with the reader).</summary>
    /// <param name="maxRowGroupBytes">The most a row group may take once decoded (<see cref="Imports.LimitsOptions.MaxParquetRowGroupBytes"/>).</param>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.MalformedFile"/> when it is not a readable Parquet file.</exception>
    public static ParquetRowReader Open(Stream file, long maxRowGroupBytes, CancellationToken cancellationToken)
    {
        try
        {
            var reader = Unreadable.Guard(() => ParquetReader.CreateAsync(file, new ParquetOptions(), leaveStreamOpen: true, cancellationToken)
                .GetAwaiter().GetResult());
            return new ParquetRowReader(reader, file, maxRowGroupBytes);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the top-level columns that <paramref name="include"/> picks (by name); the others are never decoded.</summary>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.MalformedFile"/> for a picked column of a shape Intake cannot read.</exception>
    public void Select(Func<string, bool> include)
    {
        var leaves = new List<ParquetLeaf>();
        var columns = new List<ParquetNode>();
        foreach (var field in _reader.Schema.Fields.Where(f => include(f.Name)))
        {
            // Rebuilt one field at a time under a schema of its own, so its levels and paths are those of the file.
            var rebuilt = new ParquetSchema(ParquetNode.Rebuild(field)).Fields[0];
            try
            {
                columns.Add(ParquetNode.Create(field, rebuilt, field.Name, leaves));
            }
            catch (NotSupportedException e)
            {
                throw new IntakeException(ErrorCodes.MalformedFile, $"{e.Message} Leave the column out of the file, or store it as JSON text.");
            }
        }

        _columns = [.. columns];
        _leaves = leaves;
    }

    /// <summary>
    /// Writes the next row as a JSON object to <paramref name="json"/>; false at the end of the file. A value that
    /// cannot be a record's value (text that is not UTF-8, a NaN) is written as null and reported in
    /// <paramref name="problem"/>, and the row is still read to its end.
    /// </summary>
    /// <exception cref="IntakeException"><see cref="ErrorCodes.MalformedFile"/> when a row group cannot be decoded.</exception>
    public bool TryRead(Utf8JsonWriter json, out ParquetRowProblem problem, CancellationToken cancellationToken)
    {
        problem = default;
        while (_rowsLeft == 0)
        {
            if (++_rowGroup >= _reader.RowGroupCount)
            {
                return false;
            }

            var rowGroup = _reader.OpenRowGroupReader(_rowGroup);
            _rowsLeft = rowGroup.RowCount >= 0 ? rowGroup.RowCount : throw Inconsistent();
            CheckDecodedSize(rowGroup);
            foreach (var leaf in _leaves)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Unreadable.Guard(() => leaf.LoadAsync(rowGroup, cancellationToken).AsTask().GetAwaiter().GetResult());
            }
        }

        _rowsLeft--;
        Row++;
        try
        {
            ParquetNode.WriteObject(_columns, json, ref problem);
        }
        catch (IndexOutOfRangeException)
        {
            throw Inconsistent();
        }

        if (_rowsLeft == 0 && _leaves.Any(l => !l.AtEnd))
        {
            throw Inconsistent();
        }

        return true;
    }

    /// <summary>
    /// Refuses a row group that would take more than the limit once decoded, before any of it is read: a writer may put
    /// a whole file in one group, and the reader holds a group's columns whole. The estimate is each column chunk's
    /// uncompressed size plus a per-value cost (a dictionary-encoded column is small on disk, not once decoded).
    /// </summary>
    private void CheckDecodedSize(ParquetRowGroupReader rowGroup)
    {
        const long BytesPerValue = 24;
        var decoded = 0L;
        foreach (var leaf in _leaves)
        {
            var chunk = rowGroup.GetMetadata(leaf.ReadAs);
            decoded += (chunk?.MetaData?.TotalUncompressedSize ?? 0) + (BytesPerValue * Math.Max(chunk?.MetaData?.NumValues ?? 0, rowGroup.RowCount));
        }

        if (decoded > _maxRowGroupBytes)
        {
            throw new IntakeException(ErrorCodes.FileTooLarge,
                $"Row group {_rowGroup + 1} of the file holds {rowGroup.RowCount:N0} rows, about {decoded >> 20:N0} MiB once its columns are decoded, " +
                $"over the {_maxRowGroupBytes >> 20:N0} MiB one row group may take (Limits:MaxParquetRowGroupBytes). Write the file with smaller row " +
                "groups (DuckDB: ROW_GROUP_SIZE; Spark: parquet.block.size; pyarrow: row_group_size).");
        }
    }

    /// <summary>A damaged file whose columns' levels and values do not add up to its row count.</summary>
    private IntakeException Inconsistent() =>
        new(ErrorCodes.MalformedFile, $"The file is not a readable Parquet file: the columns of row group {_rowGroup} do not match its row count.");

    public void Dispose()
    {
        foreach (var leaf in _leaves)
        {
            leaf.Release();
        }

        // ParquetReader only releases its stream, which it leaves open here; its async disposal does no I/O.
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _file.Dispose();
    }

    /// <summary>Turns what Parquet.Net throws on a damaged or truncated file into <see cref="ErrorCodes.MalformedFile"/>.</summary>
    private static class Unreadable
    {
        public static T Guard<T>(Func<T> read)
        {
            try
            {
                return read();
            }
            catch (Exception e) when (e is not (OperationCanceledException or IntakeException or OutOfMemoryException))
            {
                // Broad on purpose, and only around the library's own decoding: on damaged input its footer and page
                // parsers throw whatever the bytes lead to (Thrift protocol errors, IO, index, argument, overflow, format).
                throw new IntakeException(ErrorCodes.MalformedFile, $"The file is not a readable Parquet file: {e.Message}");
            }
        }

        public static void Guard(Action read) => Guard(() =>
        {
            read();
            return true;
        });
    }
}
