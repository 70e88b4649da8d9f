using Spectre.Console;
using System.CommandLine;

namespace Intake.Cli.Commands;

/// <summary><c>intake keys create|list|revoke</c> (admin).</summary>
internal sealed class KeysCommand : Command
{
    public KeysCommand(GlobalOptions globals)
        : base("keys", "Create, list and revoke API keys (admin).")
    {
        Subcommands.Add(Create(globals));
        Subcommands.Add(List(globals));
        Subcommands.Add(Revoke(globals));
    }

    private static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "What the key is for" };
        var scopes = new Option<string[]>("--scope")
        {
            Description = "read, write or admin; repeat for several",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        scopes.AcceptOnlyFromAmong("read", "write", "admin");
        var signed = new Option<bool>("--signed") { Description = "Accept this key only on signed requests" };
        var command = new Command("create", Help.WithExample(
            "Create a key. Its secret is printed once: keep it, Intake stores only its hash.",
            "intake keys create nightly-loader --scope read --scope write --signed")) { name, scopes, signed };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var key = await client.Keys.CreateAsync(result.GetValue(name)!, result.GetValue(scopes)!, result.GetValue(signed), cancellationToken);
            if (context.Json)
            {
                context.WriteJson(key);
                return ExitCode.Ok;
            }

            context.Out.Write(Tables.Details([("id", key.Id), ("name", key.Name), ("scopes", key.Scopes), ("signed", key.Signed), ("secret", key.Secret)]));
            context.Error.WriteLine("The secret is shown only now.");
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var command = new Command("list", Help.WithExample("List every key (never a secret).", "intake keys list"));
        CommandAction.Set(command, globals, async (_, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var keys = await client.Keys.ListAsync(cancellationToken);
            if (context.Json)
            {
                context.WriteJson(keys);
                return ExitCode.Ok;
            }

            var table = Tables.Create("id", "name", "scopes", "signed", "created", "revoked");
            foreach (var key in keys)
            {
                Tables.AddRow(table, key.Id, key.Name, key.Scopes, key.Signed ? "yes" : "no", key.CreatedAt, key.RevokedAt);
            }

            context.Out.Write(table);
            return ExitCode.Ok;
        });
        return command;
    }

    private static Command Revoke(GlobalOptions globals)
    {
        var id = new Argument<string>("id") { Description = "The key's id (key_…)" };
        var command = new Command("revoke", Help.WithExample("Revoke a key; requests with it are refused from now on.", "intake keys revoke key_0123456789abcdef")) { id };
        CommandAction.Set(command, globals, async (result, context, cancellationToken) =>
        {
            using var client = context.CreateClient();
            await client.Keys.RevokeAsync(result.GetValue(id)!, cancellationToken);
            if (context.Json)
            {
                context.WriteJson(new { id = result.GetValue(id), revoked = true });
            }
            else
            {
                context.Out.WriteLine($"revoked {result.GetValue(id)}");
            }

            return ExitCode.Ok;
        });
        return command;
    }
}
