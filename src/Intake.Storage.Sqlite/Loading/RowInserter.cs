using Intake.Core.Records;
using Intake.Storage.Sqlite.Native;

namespace Intake.Storage.Sqlite.Loading;

/// <summary>
/// Inserts records known to be new in groups of <see cref="RowsPerStatement"/> per statement: SQLite's cost
/// per statement execution is near a microsecond, several times the cost of the row itself, so grouping
/// is most of the difference between a keyed load and a bare append. Not thread-safe.
/// </summary>
/// <remarks>
/// The merge's statements are <c>OR FAIL</c>: no constraint can fail part-way through one of them, and any error
/// fails the whole load (its transaction is rolled back), so SQLite need not keep a statement journal for each.
/// Under a revocable merge's savepoint that journal made every statement cost time in proportion to the merge so far (ADR 2).
/// </remarks>
internal sealed class RowInserter : IDisposable
{
    public const int RowsPerStatement = 128;

    private readonly RecordColumns _columns;
    private readonly NativeStatement _many;
    private readonly NativeStatement _one;
    private readonly StagedRecord[] _pending = Enumerable.Range(0, RowsPerStatement).Select(_ => new StagedRecord()).ToArray();
    private int _count;

    public RowInserter(NativeConnection connection, RecordColumns columns)
    {
        _columns = columns;
        _many = connection.Prepare($"INSERT OR FAIL INTO {columns.Table} ({columns.Names}) VALUES {columns.Placeholders(RowsPerStatement)}");
        _one = connection.Prepare($"INSERT OR FAIL INTO {columns.Table} ({columns.Names}) VALUES {columns.Placeholders(1)}");
    }

    public void Add(StagedRecord record)
    {
        record.CopyTo(_pending[_count++]);
        if (_count == RowsPerStatement)
        {
            Flush();
        }
    }

    /// <summary>Adds a record straight from its batch (a record appended while the file is read).</summary>
    public void Add(RecordBatch batch, in RecordSlot slot)
    {
        _pending[_count++].Load(batch, slot);
        if (_count == RowsPerStatement)
        {
            Flush();
        }
    }

    /// <summary>Inserts the full group at <paramref name="start"/> straight from where it lies, leaving what is pending for later.</summary>
    public void InsertGroup(StagedRecord[] records, int start)
    {
        for (var row = 0; row < RowsPerStatement; row++)
        {
            _columns.Bind(_many, row, records[start + row]);
        }

        _many.Execute();
    }

    /// <summary>Writes what is pending; call before anything that must see those rows.</summary>
    public void Flush()
    {
        if (_count == RowsPerStatement)
        {
            for (var row = 0; row < _count; row++)
            {
                _columns.Bind(_many, row, _pending[row]);
            }

            _many.Execute();
        }
        else
        {
            for (var row = 0; row < _count; row++)
            {
                _columns.Bind(_one, 0, _pending[row]);
                _one.Execute();
            }
        }

        _count = 0;
    }

    public void Dispose()
    {
        _many.Dispose();
        _one.Dispose();
    }
}
