using Koumu.Interop.Conformance.Cli;

// Progress goes to stderr only when a person is watching; piped or redirected runs stay plain text.
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await new ConformanceCli(Console.Out, Console.Error, showProgress: !Console.IsErrorRedirected).RunAsync(args, cancel.Token);
