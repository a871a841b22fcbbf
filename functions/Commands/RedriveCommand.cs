using Platform.Triggers.Destinations;

namespace Platform.Functions.Commands;

/// <summary><c>redrive SOURCE TARGET</c>: puts records from an on-failure destination (<c>blob:container</c> or a stream) back into a stream.</summary>
public static class RedriveCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args)
    {
        if (args.Length != 2)
        {
            await Console.Error.WriteLineAsync("usage: redrive blob:CONTAINER|STREAM TARGET_STREAM");
            return 2;
        }

        try
        {
            var count = await services.GetRequiredService<FailureRedriver>().RedriveAsync(args[0], args[1], CancellationToken.None);
            await Console.Out.WriteLineAsync($"redrove {count} records from {args[0]} into {args[1]}");
            return 0;
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }
    }
}
