using Axon.Graph;
using Axon.Onnx.Import;
using Axon.Onnx.Wire;
using Google.Protobuf;
using G = Axon.Graph;

namespace Axon.Onnx.Export;

/// <summary>
/// Converts Axon's IR back into a <c>ModelProto</c>: the inverse of the importer, so that load → save → load gives a
/// structurally identical model. Sparse initializers were densified on import and are written dense; model-local
/// functions are written as declared (their calls were already inlined into the graph).
/// </summary>
internal sealed class ModelExporter
{
    private readonly ExternalDataWriter? _external;

    private ModelExporter(ExternalDataWriter? external) => _external = external;

    public static ModelProto ToProto(Model m, ExternalDataWriter? external = null) => new ModelExporter(external).Export(m);

    private ModelProto Export(Model m)
    {
        var p = new ModelProto
        {
            IrVersion = m.IrVersion,
            ProducerName = m.ProducerName,
            ProducerVersion = m.ProducerVersion,
            Domain = m.Domain,
            ModelVersion = m.ModelVersion,
            DocString = m.DocString ?? "",
            Graph = ExportGraph(m.Graph),
        };
        foreach (var kv in m.OpsetImports)
        {
            p.OpsetImport.Add(new OperatorSetIdProto { Domain = kv.Key, Version = kv.Value });
        }
        foreach (var kv in m.Metadata)
        {
            p.MetadataProps.Add(new StringStringEntryProto { Key = kv.Key, Value = kv.Value });
        }
        foreach (var f in m.Functions)
        {
            p.Functions.Add(ExportFunction(f));
        }
        return p;
    }

    private GraphProto ExportGraph(G.Graph g)
    {
        var p = new GraphProto { Name = g.Name, DocString = g.DocString ?? "" };
        foreach (var kv in g.Initializers)
        {
            var tp = TensorDecoder.Encode(kv.Value, kv.Key);
            _external?.TryMove(tp);
            p.Initializer.Add(tp);
        }
        p.Input.AddRange(g.Inputs.Select(ExportValueInfo));
        p.Output.AddRange(g.Outputs.Select(ExportValueInfo));
        p.ValueInfo.AddRange(g.ValueInfos.Values.Select(ExportValueInfo));
        p.Node.AddRange(g.Nodes.Select(ExportNode));
        return p;
    }

    private NodeProto ExportNode(Node n)
    {
        var p = new NodeProto { OpType = n.OpType, Domain = n.Domain, Name = n.Name, DocString = n.DocString ?? "" };
        p.Input.AddRange(n.Inputs);
        p.Output.AddRange(n.Outputs);
        foreach (var a in n.Attributes.Values)
        {
            p.Attribute.Add(ExportAttr(a));
        }
        return p;
    }

    private AttributeProto ExportAttr(Attr a)
    {
        var p = new AttributeProto
        {
            Name = a.Name,
            Type = (AttributeProto.Types.AttributeType)(int)a.Kind,
            DocString = a.DocString ?? "",
            RefAttrName = a.RefAttrName ?? "",
        };
        switch (a.Kind)
        {
            case AttrKind.Float:
                p.F = a.F;
                break;
            case AttrKind.Int:
                p.I = a.I;
                break;
            case AttrKind.String:
                p.S = ByteString.CopyFrom(a.S);
                break;
            case AttrKind.Tensor:
                if (a.T is not null)
                {
                    p.T = TensorDecoder.Encode(a.T, "");
                }
                break;
            case AttrKind.Graph:
                if (a.G is not null)
                {
                    p.G = ExportGraph(a.G);
                }
                break;
            case AttrKind.Floats:
                p.Floats.AddRange(a.Floats);
                break;
            case AttrKind.Ints:
                p.Ints.AddRange(a.Ints);
                break;
            case AttrKind.Strings:
                p.Strings.AddRange(a.Strings.Select(ByteString.CopyFrom));
                break;
            case AttrKind.Tensors:
                p.Tensors.AddRange(a.Tensors.Select(t => TensorDecoder.Encode(t, "")));
                break;
            case AttrKind.Graphs:
                p.Graphs.AddRange(a.Graphs.Select(g => ExportGraph(g)));
                break;
            case AttrKind.TypeProto:
                if (a.Type is not null)
                {
                    p.Tp = ExportType(a.Type);
                }
                break;
            case AttrKind.TypeProtos:
                p.TypeProtos.AddRange(a.Types.Select(ExportType));
                break;
            default:
                // Sparse attributes are densified on import, so no IR attribute carries these kinds.
                throw new AxonModelException($"attribute '{a.Name}' has kind {a.Kind}, which cannot be exported", "AXON176");
        }
        return p;
    }

    private FunctionProto ExportFunction(Function f)
    {
        var p = new FunctionProto { Name = f.Name, Domain = f.Domain, Overload = f.Overload, DocString = f.DocString ?? "" };
        p.Input.AddRange(f.Inputs);
        p.Output.AddRange(f.Outputs);
        // Attributes with a default go in attribute_proto; the importer lists both kinds in AttributeNames.
        p.Attribute.AddRange(f.AttributeNames.Where(n => !f.AttributeDefaults.ContainsKey(n)));
        foreach (var kv in f.AttributeDefaults)
        {
            p.AttributeProto.Add(ExportAttr(kv.Value));
        }
        p.Node.AddRange(f.Nodes.Select(ExportNode));
        foreach (var kv in f.OpsetImports)
        {
            p.OpsetImport.Add(new OperatorSetIdProto { Domain = kv.Key, Version = kv.Value });
        }
        return p;
    }

    public static ValueInfoProto ExportValueInfo(ValueInfo vi)
    {
        var p = new ValueInfoProto { Name = vi.Name, DocString = vi.DocString ?? "" };
        if (vi.Type.Kind != TypeKind.Unknown)
        {
            p.Type = ExportType(vi.Type);
        }
        return p;
    }

    public static TypeProto ExportType(TypeInfo t)
    {
        var p = new TypeProto();
        switch (t.Kind)
        {
            case TypeKind.Tensor:
                p.TensorType = new TypeProto.Types.Tensor { ElemType = (int)t.ElemType, Shape = ExportShape(t.Shape) };
                break;
            case TypeKind.SparseTensor:
                p.SparseTensorType = new TypeProto.Types.SparseTensor { ElemType = (int)t.ElemType, Shape = ExportShape(t.Shape) };
                break;
            case TypeKind.Sequence:
                p.SequenceType = new TypeProto.Types.Sequence { ElemType = t.Element is null ? null : ExportType(t.Element) };
                break;
            case TypeKind.Optional:
                p.OptionalType = new TypeProto.Types.Optional { ElemType = t.Element is null ? null : ExportType(t.Element) };
                break;
            case TypeKind.Map:
                p.MapType = new TypeProto.Types.Map { KeyType = (int)t.KeyType, ValueType = t.Element is null ? null : ExportType(t.Element) };
                break;
        }
        return p;
    }

    private static TensorShapeProto? ExportShape(SymShape s)
    {
        if (!s.HasRank)
        {
            return null;
        }
        var p = new TensorShapeProto();
        foreach (var d in s.Dims)
        {
            var dp = new TensorShapeProto.Types.Dimension();
            if (d.IsKnown)
            {
                dp.DimValue = d.Value;
            }
            else if (d.Symbol is not null)
            {
                dp.DimParam = d.Symbol;
            }
            p.Dim.Add(dp);
        }
        return p;
    }
}
