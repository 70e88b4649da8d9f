using Intake.Core.Jobs;
using Intake.Server.Errors;

namespace Intake.Server.Tests;

/// <summary>#14: the codes added by the hardening map onto the problem status a client expects.</summary>
public sealed class HardeningErrorCodesTests
{
    [Theory]
    [InlineData(ErrorCodes.MalformedMultipart, 400)]
    [InlineData(ErrorCodes.UrlTooLong, 414)]
    [InlineData(ErrorCodes.TooManyTags, 400)]
    [InlineData(ErrorCodes.TagTooLong, 400)]
    [InlineData(ErrorCodes.NonceInvalid, 401)]
    [InlineData(ErrorCodes.KeyNotFound, 404)]
    [InlineData(ErrorCodes.UploadTokenInvalid, 401)]
    [InlineData(ErrorCodes.UploadTokenExpired, 401)]
    [InlineData(ErrorCodes.UploadTokenUsed, 403)]
    [InlineData(ErrorCodes.UploadTokenMismatch, 403)]
    public void Each_code_has_its_status_title_and_type(string code, int status)
    {
        var problem = Problems.Create(code, "detail");

        Assert.Equal(status, problem.Status);
        Assert.Equal(code, problem.Extensions["code"]);
        Assert.Equal($"https://intake.dev/errors/{code}", problem.Type);
        Assert.Equal(ErrorCodes.Describe(code).Title, problem.Title);
        Assert.NotEqual(ErrorCodes.InternalError, ErrorCodes.Describe(code).Code);
    }
}
