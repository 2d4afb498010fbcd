using Axon.Graph.Analysis;
using Axon.Graph.Text;

namespace Axon.Graph.Tests.Schemas;

/// <summary>Runs shape inference on IR text and reads back types as text.</summary>
internal static class SchemaTestUtil
{
    public static InferenceResult Infer(string text) => ShapeInference.Infer(IrParser.ParseModel(text));

    public static string TypeText(string text, string value) => IrPrinter.Type(Infer(text).TypeOf(value));
}
