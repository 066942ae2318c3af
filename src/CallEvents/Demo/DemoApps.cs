using CallEvents.OAuth;

namespace CallEvents.Demo;

public sealed record DemoApps(IssuedCredentials Admin, IssuedCredentials Organization, IssuedCredentials User);
