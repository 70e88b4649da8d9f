using Intake.Core.Imports;
using Intake.Core.Jobs;
using Intake.Core.Records;
using Intake.Core.Records.BuiltIn;

namespace Intake.Core.Tests.Imports;

/// <summary>Offline validation reads event times as an import would: its timestampUnit and the configured window.</summary>
public sealed class FileValidatorTimestampTests
{
    private static readonly RecordTypeCatalog s_catalog = new(BuiltInRecordTypes.All);

    [Theory]
    [InlineData(null, 0L)]
    [InlineData(TimestampUnit.Milliseconds, 1L)]
    public void The_unit_of_the_request_and_the_window_of_the_limits_apply(TimestampUnit? unit, long rejected)
    {
        var csv = "type,source_id,target_id,timestamp,metadata\nview,u,i,1709294400,\n"u8.ToArray();
        var rejections = new List<RecordRejection>();

        var summary = FileValidator.Validate(new MemoryStream(csv), new NewImport { DatasetId = "d", TimestampUnit = unit }, s_catalog, null,
            new LimitsOptions(), rejections.Add, CancellationToken.None);

        Assert.Equal(rejected, summary.Invalid);
        Assert.All(rejections, r => Assert.Equal(RecordErrorCodes.TimestampOutOfRange, r.Code));
    }

    [Fact]
    public void A_narrower_configured_window_is_applied()
    {
        var csv = "type,source_id,target_id,timestamp,metadata\nview,u,i,2005-01-01,\n"u8.ToArray();
        var limits = new LimitsOptions { EventTimeFloor = new DateTimeOffset(2010, 1, 1, 0, 0, 0, TimeSpan.Zero) };

        var summary = FileValidator.Validate(new MemoryStream(csv), new NewImport { DatasetId = "d" }, s_catalog, null, limits, _ => { }, CancellationToken.None);

        Assert.Equal(1, summary.Invalid);
    }
}
