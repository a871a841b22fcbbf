namespace Platform.Testing;

/// <summary>
/// The probe functions host (tests/Platform.TestFunctions) as its own process, with settings as environment variables
/// and command-line keys; a <see cref="HostProcess"/> like the platform app's.
/// </summary>
public static class TestFunctionsProcess
{
    public static HostProcess Start(string workingDirectory, IDictionary<string, string> environment, params string[] arguments) =>
        HostProcess.StartApp(HostProcess.AppDll("tests/Platform.TestFunctions", "Platform.TestFunctions"), workingDirectory, environment, HostBinding.UrlsArgument, arguments);
}
