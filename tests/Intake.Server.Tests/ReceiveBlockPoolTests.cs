using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Intake.Server.Hosting;
using Intake.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Server.Tests;

/// <summary>
/// Kestrel receives into the server's own 64 KiB blocks (<see cref="ReceiveBlockPool"/>): the pool's contract, and a
/// real socket upload whose bytes arrive in pieces that straddle the blocks every way, loaded byte for byte.
/// </summary>
public sealed class ReceiveBlockPoolTests(SqliteServerFactory factory) : IClassFixture<SqliteServerFactory>
{
    [Fact]
    public void A_block_is_64_KiB_and_a_returned_one_is_handed_out_again()
    {
        using var pool = new ReceiveBlockPool();

        var first = pool.Rent(4096);
        var memory = first.Memory;
        Assert.Equal(ReceiveBlockPool.BlockSize, memory.Length);
        Assert.Equal(ReceiveBlockPool.BlockSize, pool.MaxBufferSize);
        first.Dispose();
        first.Dispose();
        Assert.Equal(1, pool.FreeBlocks);

        using var second = pool.Rent();
        Assert.True(second.Memory.Span.Overlaps(memory.Span));
        Assert.Equal(0, pool.FreeBlocks);
        Assert.Throws<ObjectDisposedException>(() => first.Memory);
    }

    [Fact]
    public void A_request_larger_than_a_block_is_refused()
    {
        using var pool = new ReceiveBlockPool();

        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(ReceiveBlockPool.BlockSize + 1));
    }

    [Fact]
    public void The_pool_keeps_at_most_its_cap_of_idle_blocks()
    {
        using var pool = new ReceiveBlockPool();
        var rented = Enumerable.Range(0, ReceiveBlockPool.MaxFreeBlocks + 10).Select(_ => pool.Rent()).ToList();

        Parallel.ForEach(rented, block => block.Dispose());

        Assert.Equal(ReceiveBlockPool.MaxFreeBlocks, pool.FreeBlocks);
    }

    [Fact]
    public void The_server_gives_Kestrel_this_pool()
    {
        var pools = factory.Services.GetRequiredService<IMemoryPoolFactory<byte>>();

        Assert.IsType<ReceiveBlockPoolFactory>(pools);
        Assert.Single(factory.Services.GetServices<IMemoryPoolFactory<byte>>());
    }

    [Fact]
    public async Task An_upload_sent_in_pieces_across_block_boundaries_is_loaded_byte_for_byte()
    {
        var client = factory.CreateIntakeClient();
        await client.CreateDatasetAsync("blocks");
        // About 5.6 MB: names of every length from 0 to 199 characters, and characters of one to four UTF-8 bytes, so
        // a block boundary falls inside multi-byte characters, quoted fields and line ends.
        var csv = new StringBuilder("id,type,name,metadata,media_url\n");
        const int rows = 40_000;
        for (var i = 0; i < rows; i++)
        {
            csv.Append($"e{i:D6},product,\"{Name(i)}, \"\"{i}\"\"\",,\r\n");
        }

        var body = Encoding.UTF8.GetBytes(csv.ToString());
        var address = client.Http.BaseAddress!;
        using var socket = new TcpClient { NoDelay = true };
        await socket.ConnectAsync(address.Host, address.Port);
        var stream = socket.GetStream();
        var head = $"POST /v1/datasets/blocks/imports HTTP/1.1\r\nHost: {address.Authority}\r\nContent-Type: text/csv\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        int[] pieces = [1, 65_535, 2, 65_536, 65_537, 3, 200_000, 7, 131_071, 4_096];
        for (int sent = 0, n = 0; sent < body.Length; n++)
        {
            var size = Math.Min(pieces[n % pieces.Length], body.Length - sent);
            await stream.WriteAsync(body.AsMemory(sent, size));
            await stream.FlushAsync();
            sent += size;
            if (n % 7 == 0)
            {
                await Task.Delay(2);
            }
        }

        var (status, answer) = await ReadResponseAsync(stream);
        Assert.StartsWith("HTTP/1.1 202", status);
        var import = await client.WaitForFinalAsync((string)JsonNode.Parse(answer)!["id"]!);
        Assert.Equal("completed", (string)import["status"]!);
        Assert.Equal(body.Length, (long)import["progress"]!["bytes_total"]!);
        Assert.Equal(rows, (long)import["progress"]!["records_written"]!);

        var stored = await client.ExportAsync("blocks");
        Assert.Equal(rows, stored.Count);
        foreach (var record in stored)
        {
            var i = int.Parse(((string)record["id"]!)[1..]);
            Assert.Equal($"{Name(i)}, \"{i}\"", (string)record["name"]!);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync("/health")).StatusCode);
    }

    /// <summary>Row <paramref name="i"/>'s name: one to four UTF-8 bytes a character, 0 to 199 characters.</summary>
    private static string Name(int i) => string.Concat(Enumerable.Repeat((i % 4) switch { 0 => "a", 1 => "é", 2 => "€", _ => "𝄞" }, i % 200));

    /// <summary>Reads a whole HTTP/1.1 response (the request asked to close the connection after it).</summary>
    private static async Task<(string Head, string Body)> ReadResponseAsync(NetworkStream stream)
    {
        using var received = new MemoryStream();
        await stream.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(60));
        var text = Encoding.UTF8.GetString(received.ToArray());
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, text);
        // The JSON body, whether sent whole or as one chunk.
        var body = text[(end + 4)..];
        return (text[..end], body[body.IndexOf('{', StringComparison.Ordinal)..(body.LastIndexOf('}') + 1)]);
    }
}
