namespace Intake.Core.Parsing;

/// <summary>What <see cref="CsvRowReader.TryReadRow"/> found.</summary>
public enum CsvReadResult
{
    /// <summary>A record; blank lines are records too (<see cref="CsvRow.IsBlank"/>).</summary>
    Row,

    /// <summary>The end of the input; every later call returns it again.</summary>
    End,

    /// <summary>The rest of the input is not CSV (an unterminated quote); <see cref="CsvRowReader.LastError"/> says where.</summary>
    Malformed,
}
