using Axon.Graph;
using Axon.Onnx.Wire;
using G = Axon.Graph;

namespace Axon.Onnx.Import;

/// <summary>Converts the protobuf messages of a model into Axon's IR, checking every structural fact it relies on.</summary>
internal sealed class GraphImporter
{
    private const int MaxGraphDepth = 64;

    /// <summary>Largest dense form a sparse tensor may expand to.</summary>
    private const long MaxDenseBytes = 1L << 30;
    private readonly ExternalDataResolver? _external;

    public GraphImporter(ExternalDataResolver? external) => _external = external;

    public G.Graph ImportGraph(GraphProto gp, int depth = 0)
    {
        if (depth > MaxGraphDepth)
        {
            throw new AxonModelException($"graph '{gp.Name}': subgraphs nested deeper than {MaxGraphDepth}", "AXON150");
        }
        var g = new G.Graph { Name = gp.Name, DocString = gp.DocString.Length > 0 ? gp.DocString : null };
        foreach (var init in gp.Initializer)
        {
            if (init.Name.Length == 0)
            {
                throw new AxonModelException($"graph '{gp.Name}': an initializer has no name", "AXON151");
            }
            if (g.Initializers.ContainsKey(init.Name))
            {
                throw new AxonModelException($"graph '{gp.Name}': initializer '{init.Name}' is declared twice", "AXON151");
            }
            g.Initializers[init.Name] = TensorDecoder.Decode(init, _external, "initializer");
        }
        foreach (var sp in gp.SparseInitializer)
        {
            var dense = Densify(sp);
            string name = sp.Values?.Name ?? "";
            if (name.Length == 0)
            {
                throw new AxonModelException($"graph '{gp.Name}': a sparse initializer has no name", "AXON151");
            }
            if (!g.Initializers.TryAdd(name, dense))
            {
                throw new AxonModelException($"graph '{gp.Name}': initializer '{name}' is declared twice", "AXON151");
            }
        }
        foreach (var vi in gp.Input)
        {
            g.Inputs.Add(ImportValueInfo(vi));
        }
        foreach (var vi in gp.Output)
        {
            g.Outputs.Add(ImportValueInfo(vi));
        }
        foreach (var vi in gp.ValueInfo)
        {
            g.ValueInfos[vi.Name] = ImportValueInfo(vi);
        }
        foreach (var np in gp.Node)
        {
            g.Nodes.Add(ImportNode(np, depth));
        }
        return g;
    }

    public Node ImportNode(NodeProto np, int depth)
    {
        if (np.OpType.Length == 0)
        {
            throw new AxonModelException($"node '{np.Name}' has no op_type", "AXON152");
        }
        var n = new Node(np.OpType, np.Input, np.Output, np.Name, np.Domain) { DocString = np.DocString.Length > 0 ? np.DocString : null };
        foreach (var ap in np.Attribute)
        {
            if (ap.Name.Length == 0)
            {
                throw new AxonModelException($"{n}: an attribute has no name", "AXON153");
            }
            if (n.Attributes.ContainsKey(ap.Name))
            {
                throw new AxonModelException($"{n}: attribute '{ap.Name}' is given twice", "AXON153");
            }
            n.Attributes[ap.Name] = ImportAttr(ap, n, depth);
        }
        return n;
    }

    public Attr ImportAttr(AttributeProto ap, Node? owner, int depth)
    {
        string where = owner is null ? $"attribute '{ap.Name}'" : $"{owner}: attribute '{ap.Name}'";
        var kind = (AttrKind)(int)ap.Type;
        if (kind == AttrKind.Undefined)
        {
            kind = InferKind(ap);
        }
        string label = $"{where}";
        return kind switch
        {
            AttrKind.Float => new Attr(ap.Name, kind) { F = ap.F, RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.Int => new Attr(ap.Name, kind) { I = ap.I, RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.String => new Attr(ap.Name, kind) { S = ap.S.ToByteArray(), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.Tensor => new Attr(ap.Name, kind) { T = ap.T is null ? null : TensorDecoder.Decode(ap.T, _external, label), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.SparseTensor => new Attr(ap.Name, AttrKind.Tensor) { T = ap.SparseTensor is null ? null : Densify(ap.SparseTensor), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.Graph => new Attr(ap.Name, kind) { G = ap.G is null ? null : ImportGraph(ap.G, depth + 1), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.Floats => new Attr(ap.Name, kind) { Floats = ap.Floats.ToArray(), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.Ints => new Attr(ap.Name, kind) { Ints = ap.Ints.ToArray(), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.Strings => new Attr(ap.Name, kind) { Strings = ap.Strings.Select(s => s.ToByteArray()).ToArray(), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.Tensors => new Attr(ap.Name, kind) { Tensors = ap.Tensors.Select(t => TensorDecoder.Decode(t, _external, label)).ToArray(), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.Graphs => new Attr(ap.Name, kind) { Graphs = ap.Graphs.Select(x => ImportGraph(x, depth + 1)).ToArray(), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.TypeProto => new Attr(ap.Name, kind) { Type = ap.Tp is null ? null : ImportType(ap.Tp, 0), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.TypeProtos => new Attr(ap.Name, kind) { Types = ap.TypeProtos.Select(t => ImportType(t, 0)).ToArray(), RefAttrName = Ref(ap), DocString = Doc(ap) },
            AttrKind.SparseTensors => new Attr(ap.Name, AttrKind.Tensors) { Tensors = ap.SparseTensors.Select(Densify).ToArray(), RefAttrName = Ref(ap), DocString = Doc(ap) },
            _ => throw new AxonModelException($"{where} has unknown type {(int)ap.Type}", "AXON153"),
        };
    }

    private static string? Ref(AttributeProto ap) => ap.RefAttrName.Length > 0 ? ap.RefAttrName : null;

    private static string? Doc(AttributeProto ap) => ap.DocString.Length > 0 ? ap.DocString : null;

    private static AttrKind InferKind(AttributeProto ap)
    {
        // IR v1 attributes carry no type tag: deduce it from the field that is set.
        if (ap.Ints.Count > 0) return AttrKind.Ints;
        if (ap.Floats.Count > 0) return AttrKind.Floats;
        if (ap.Strings.Count > 0) return AttrKind.Strings;
        if (ap.Tensors.Count > 0) return AttrKind.Tensors;
        if (ap.Graphs.Count > 0) return AttrKind.Graphs;
        if (ap.T is not null) return AttrKind.Tensor;
        if (ap.G is not null) return AttrKind.Graph;
        if (!ap.S.IsEmpty) return AttrKind.String;
        if (ap.F != 0) return AttrKind.Float;
        return AttrKind.Int;
    }

    public static ValueInfo ImportValueInfo(ValueInfoProto vi)
    {
        TypeInfo type;
        try
        {
            type = vi.Type is null ? TypeInfo.Unknown : ImportType(vi.Type, 0);
        }
        catch (AxonModelException e)
        {
            throw new AxonModelException($"value '{vi.Name}': {e.Message}", e.Code, e);
        }
        return new ValueInfo(vi.Name, type) { DocString = vi.DocString.Length > 0 ? vi.DocString : null };
    }

    public static TypeInfo ImportType(TypeProto tp, int depth)
    {
        if (depth > 16)
        {
            throw new AxonModelException("type nested deeper than 16 levels", "AXON154");
        }
        switch (tp.ValueCase)
        {
            case TypeProto.ValueOneofCase.TensorType:
                return TypeInfo.Tensor((DType)tp.TensorType.ElemType, ImportShape(tp.TensorType.Shape));
            case TypeProto.ValueOneofCase.SparseTensorType:
                return new TypeInfo { Kind = TypeKind.SparseTensor, ElemType = (DType)tp.SparseTensorType.ElemType, Shape = ImportShape(tp.SparseTensorType.Shape) };
            case TypeProto.ValueOneofCase.SequenceType:
                return TypeInfo.Sequence(tp.SequenceType.ElemType is null ? TypeInfo.Unknown : ImportType(tp.SequenceType.ElemType, depth + 1));
            case TypeProto.ValueOneofCase.OptionalType:
                return TypeInfo.Optional(tp.OptionalType.ElemType is null ? TypeInfo.Unknown : ImportType(tp.OptionalType.ElemType, depth + 1));
            case TypeProto.ValueOneofCase.MapType:
                return new TypeInfo { Kind = TypeKind.Map, KeyType = (DType)tp.MapType.KeyType, Element = tp.MapType.ValueType is null ? TypeInfo.Unknown : ImportType(tp.MapType.ValueType, depth + 1) };
            default:
                return TypeInfo.Unknown;
        }
    }

    public static SymShape ImportShape(TensorShapeProto? sp)
    {
        if (sp is null)
        {
            return SymShape.UnknownRank;
        }
        var dims = new Dim[sp.Dim.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            var d = sp.Dim[i];
            dims[i] = d.ValueCase switch
            {
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue when d.DimValue >= 0 => Dim.Known(d.DimValue),
                TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam => Dim.Sym(d.DimParam),
                _ => Dim.Unknown,
            };
        }
        // Later stages multiply known dims in 64 bits; a product that cannot fit is a corrupt type, not a big tensor.
        long product = 1;
        foreach (var d in dims)
        {
            if (d.IsKnown && d.Value > 0 && product > long.MaxValue / d.Value)
            {
                throw new AxonModelException($"shape [{string.Join(",", dims.Select(x => x.ToString()))}] has more elements than fit in 64 bits", "AXON154");
            }
            product *= d.IsKnown && d.Value > 0 ? d.Value : 1;
        }
        return new SymShape(dims);
    }

    /// <summary>Expands a sparse tensor (COO indices, flat or per-dim) to dense, checking every index.</summary>
    public Tensor Densify(SparseTensorProto sp)
    {
        string label = $"sparse tensor '{sp.Values?.Name}'";
        if (sp.Values is null || sp.Indices is null)
        {
            throw new AxonModelException($"{label}: values or indices missing", "AXON135");
        }
        var values = TensorDecoder.Decode(sp.Values, _external, label);
        var indices = TensorDecoder.Decode(sp.Indices, _external, label).ToInt64s();
        var shape = sp.Dims.Select(d => d < 0 || d > int.MaxValue ? throw new AxonModelException($"{label}: bad dim {d}", "AXON135") : (int)d).ToArray();
        long denseCount = 1;
        foreach (int d in shape)
        {
            denseCount *= d;
            // A sparse tensor legitimately expands beyond its file size, but not without bound.
            if (denseCount * Math.Max(1, values.DType == DType.String ? 8 : values.DType.SizeOf()) > MaxDenseBytes)
            {
                throw new AxonModelException($"{label}: dense shape [{string.Join(",", shape)}] exceeds {MaxDenseBytes >> 20} MiB", "AXON135");
            }
        }
        var dense = Tensor.Create(values.DType, shape);
        int total = dense.Length;
        int nnz = values.Length;
        int rank = shape.Length;
        bool perDim = indices.Length == (long)nnz * rank && rank > 1;
        if (!perDim && indices.Length != nnz)
        {
            throw new AxonModelException($"{label}: {indices.Length} indices for {nnz} values", "AXON135");
        }
        var strides = Tensor.StridesOf(shape);
        int size = values.DType == DType.String ? 0 : values.DType.SizeOf();
        for (int k = 0; k < nnz; k++)
        {
            long flat = 0;
            if (perDim)
            {
                for (int d = 0; d < rank; d++)
                {
                    long ix = indices[(long)k * rank + d];
                    if (ix < 0 || ix >= shape[d])
                    {
                        throw new AxonModelException($"{label}: index {ix} out of range for dim {d}", "AXON135");
                    }
                    flat += ix * strides[d];
                }
            }
            else
            {
                flat = indices[k];
            }
            if (flat < 0 || flat >= total)
            {
                throw new AxonModelException($"{label}: index {flat} out of range", "AXON135");
            }
            if (size == 0)
            {
                dense.Strings[(int)flat] = values.Strings[k];
            }
            else
            {
                values.Bytes.Slice(k * size, size).CopyTo(dense.Bytes.Slice((int)flat * size, size));
            }
        }
        return dense;
    }
}
