using System.Text;
using Intake.Core.Parsing;

namespace Intake.Core.Tests.Parsing;

public sealed class CsvDelimitersTests
{
    [Theory]
    [InlineData("a,b,c\n1,2,3\n", ',')]
    [InlineData("a;b;c\n1;2;3\n", ';')]
    [InlineData("a\tb\tc\n1\t2\t3\n", '\t')]
    [InlineData("a|b|c\n1|2|3\n", '|')]
    [InlineData("\uFEFFa;b\r\n1;2\r\n", ';')]
    [InlineData("a;b;c\n\"x;y\";\"1,2,3,4,5\";z\n", ';')]
    [InlineData("id,name\n1,\"Doe; Jane\"\n2,\"Roe; Ann\"\n", ',')]
    [InlineData("a;b\n\"line\nbreak;with;semicolons\";2\n", ';')]
    public void The_delimiter_that_splits_the_header_and_rows_alike_wins(string csv, char expected)
    {
        Assert.Equal(expected, CsvDelimiters.Sniff(Encoding.UTF8.GetBytes(csv), wholeFile: true));
    }

    [Theory]
    [InlineData("a,b\n1,2\n", ',')]
    [InlineData("a;b;c,d\n1;2;3,4\n", ';')]
    [InlineData("a;b,c\n1;2,3\n", ',')]
    public void A_tie_goes_to_the_earlier_candidate_and_more_columns_beat_fewer(string csv, char expected)
    {
        Assert.Equal(expected, CsvDelimiters.Sniff(Encoding.UTF8.GetBytes(csv), wholeFile: true));
    }

    [Fact]
    public void Ragged_rows_fall_back_to_the_delimiter_that_splits_the_header_most()
    {
        Assert.Equal(';', CsvDelimiters.Sniff("a;b;c\n1;2\n1,2,3,4,5,6;7\n"u8, wholeFile: true));
    }

    [Theory]
    [InlineData("itemId\nitem01\n")]
    [InlineData("")]
    [InlineData("\n\n")]
    public void One_column_or_no_header_gives_nothing(string csv)
    {
        Assert.Null(CsvDelimiters.Sniff(Encoding.UTF8.GetBytes(csv), wholeFile: true));
    }

    [Fact]
    public void An_incomplete_last_line_is_not_compared_unless_it_ends_the_file()
    {
        var head = "a;b;c\n1;2;3\n4;5"u8;

        Assert.Equal(';', CsvDelimiters.Sniff(head, wholeFile: false));
        Assert.Equal(';', CsvDelimiters.Sniff(head, wholeFile: true));
    }

    [Fact]
    public void The_header_splits_on_another_delimiter_with_names_trimmed_and_unquoted()
    {
        Assert.Equal(["id", "type", "name"], CsvDelimiters.SplitHeader("\n \"id\" ; type;name\n1;2;3\n"u8, ';'));
    }
}
