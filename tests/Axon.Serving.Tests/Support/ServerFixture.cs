namespace Axon.Serving.Tests.Support;

/// <summary>One shared server for the read-only protocol tests (admin token "admin-secret").</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string AdminToken = "admin-secret";

    internal TestServer S { get; private set; } = null!;

    public async Task InitializeAsync() => S = await TestServer.StartAsync(adminToken: AdminToken, withBroken: true);

    public async Task DisposeAsync() => await S.DisposeAsync();
}

[CollectionDefinition("server")]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>;
