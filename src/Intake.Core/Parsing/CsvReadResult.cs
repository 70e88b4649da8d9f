namespace Intake.Core.Parsing;

/// <summary>What <see cref="CsvRowReader.TryReadRow"/> found.</summary>
public enum CsvReadResult
{
    /// <summary>A record; blank lines are records too (<see cref="CsvRow.IsBlank"/>).</summary>
    Row,

    /// <summary>The end of the input; every later call returns it again.</summary>
    End,

    /// <summary>
    /// A record that is not CSV; <see cref="CsvRowReader.LastError"/> says where. Either one record (a quoted field
    /// with text after its closing quote: reading goes on with the next record), or the rest of the input (an
    /// unterminated quote: every later call returns <see cref="End"/>).
    /// </summary>
    Malformed,
}
