using Intake.Server.Tests.Infrastructure;

namespace Intake.Client.Tests;

/// <summary>Builds clients of the library under test against a factory's server on its real socket.</summary>
internal static class ServerFixture
{
    /// <summary>A token that ends a test stuck on the server after two minutes (xunit 2 gives tests none).</summary>
    public static CancellationToken Timeout() => new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token;

    public static Uri AddressOf(IntakeServerFactory factory) => factory.CreateIntakeClient().Http.BaseAddress!;

    public static IntakeClient ClientOf(IntakeServerFactory factory, IntakeKeyCredential? credential = null, IntakeSigning signing = IntakeSigning.Auto) =>
        new(AddressOf(factory), credential, new IntakeClientOptions { Signing = signing });

    /// <summary>An entities CSV of <paramref name="rows"/> rows, every one valid.</summary>
    public static byte[] Entities(int rows, string prefix = "sku")
    {
        var text = new System.Text.StringBuilder("id,type,name,metadata,media_url\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(prefix).Append('-').Append(i).Append(",product,Product number ").Append(i).Append(",\"{\"\"price\"\": ").Append(i % 100).Append("}\",\n");
        }

        return System.Text.Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
    public sealed class Recorder<T> : IProgress<T>
    {
        private readonly List<T> _values = [];

        public IReadOnlyList<T> Values
        {
            get
            {
                lock (_values)
                {
                    return [.. _values];
                }
            }
        }

        public void Report(T value)
        {
            lock (_values)
            {
                _values.Add(value);
            }
        }
    }
}
