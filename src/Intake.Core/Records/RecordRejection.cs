namespace Intake.Core.Records;

/// <summary>
/// A record that was not written, and why. <see cref="ErrorId"/> is the record's key where it has one,
/// else <c>line:N</c>. Messages never carry values of personal fields.
/// </summary>
public sealed record RecordRejection(long Line, string ErrorId, string Code, string Message, string? Field)
{
    /// <summary>The characters of text the rejection holds (error id, message, field): what it costs to keep. Internal, so it is not part of the rejection as the API and the CLI write it.</summary>
    internal long TextLength => ErrorId.Length + Message.Length + (Field?.Length ?? 0);
}
