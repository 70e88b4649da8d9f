namespace Intake.Core.Schemas;

/// <summary>
/// Why one CSV row could not become a JSON object (two columns giving the same field, a value where an
/// object is needed, …): the column concerned and a message that names columns, never cell values.
/// </summary>
public readonly record struct CsvRowProblem(string Column, string Message);
