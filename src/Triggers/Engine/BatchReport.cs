namespace Platform.Triggers.Engine;

/// <summary>What processing one batch took: invocations, errors, records delivered and records given up on.</summary>
public readonly record struct BatchReport(int Invocations, int Errors, int Succeeded, int Failed);
