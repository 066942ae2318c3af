namespace CallEvents.Demo;

public sealed record DemoExtension(string Number, string Type, string OwnerId);
