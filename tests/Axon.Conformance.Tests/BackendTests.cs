using Axon.Onnx.Conformance;

namespace Axon.Conformance.Tests;

/// <summary>
/// One case per ONNX backend test directory. A test listed in tests/conformance-expected-failures.txt must still fail
/// (so the list only shrinks: a fixed test fails here until its line is removed); any other test must pass.
/// </summary>
public sealed class BackendTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var (suite, dir) in TestData.All)
        {
            data.Add(suite, Path.GetFileName(dir));
        }
        return data;
    }

    [Fact]
    public void TestDataIsPresent()
    {
        Assert.True(Directory.Exists(TestData.OnnxTests), $"ONNX test data not found at {TestData.OnnxTests}");
        Assert.True(TestData.All.Count >= 1900, $"expected the full ONNX backend suite, found {TestData.All.Count} tests");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Backend(string suite, string name)
    {
        var r = TestData.Run(suite, name);
        string key = $"{suite}/{name}";
        if (TestData.ExpectedFailures.ContainsKey(key))
        {
            Assert.True(r.Status != TestStatus.Passed, $"{key} now passes: remove it from tests/conformance-expected-failures.txt");
            return;
        }
        Assert.True(r.Status == TestStatus.Passed, $"{key}: {r.Reason}");
    }
}
