using Koumu.Interop.Schemas.Validation;
using Spectre.Console;

namespace Koumu.Interop.Cli;

/// <summary>
/// Shows <see cref="ProcessingOptions.Progress"/> reports (current file, rows, problems) as a Spectre.Console live
/// progress line on stderr, so stdout keeps only the results a script may parse.
/// </summary>
internal sealed class ProgressDisplay(TextWriter error, bool enabled)
{
    public async Task<T> RunAsync<T>(string title, Func<IProgress<ProcessingProgress>?, Task<T>> work)
    {
        if (!enabled) return await work(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
        return await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title));
                task.IsIndeterminate = true;
                var result = await work(new Reporter(task, title));
                task.StopTask();
                return result;
            });
    }

    private sealed class Reporter(ProgressTask task, string title) : IProgress<ProcessingProgress>
    {
        public void Report(ProcessingProgress value) =>
            task.Description = Markup.Escape($"{title}: {value.File} — {value.Rows:N0} rows, {value.Problems:N0} problems");
    }
}
