namespace Intake.Core.Parsing;

/// <summary>The first value of a Parquet row that cannot become a record's value as it is, and the column holding it.</summary>
internal readonly record struct ParquetRowProblem(ParquetRowProblem.Kind Problem, string? Column)
{
    public enum Kind
    {
        None,

        /// <summary>Text whose bytes are not UTF-8.</summary>
        InvalidUtf8,

        /// <summary>A floating-point NaN or infinity.</summary>
        NotFinite,

        /// <summary>A column annotated as JSON whose text is not JSON.</summary>
        InvalidJson,
    }

    public bool IsNone => Problem == Kind.None;

    /// <summary>This problem if there is one already (the first one counts), else the new one.</summary>
    public ParquetRowProblem OrFirst(Kind problem, string column) => IsNone ? new(problem, column) : this;
}
