"""Measures reference rows for Axon's GPU performance model on a real GPU (PyTorch, random weights).

Run on a machine with an NVIDIA GPU and PyTorch:  python3 bench/gpu/measure_h100.py out.json
Rows: BERT-shaped encoders (MiniLM-L6 and BERT-base shapes, seq 128) and ResNet-50 (224x224) at several batch sizes and
precisions, plus a square GEMM rate; each row is the median of timed runs after warm-up, in inferences per second.
"""
import json, sys, time, statistics
import torch

GRAPHS = "--cuda-graphs" in sys.argv

def timed(fn, iters=30, warmup=8):
    if GRAPHS:
        # Capture the whole forward once and replay it: removes Python and kernel-launch overhead, as deployment
        # engines (TensorRT, CUDA graphs) do.
        s = torch.cuda.Stream(); s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3):
                fn()
        torch.cuda.current_stream().wait_stream(s)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            fn()
        fn = g.replay
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(iters):
        t0 = time.perf_counter(); fn(); torch.cuda.synchronize(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

def encoder(layers, hidden, heads, inter):
    from transformers import BertConfig, BertModel
    cfg = BertConfig(num_hidden_layers=layers, hidden_size=hidden, num_attention_heads=heads, intermediate_size=inter)
    return BertModel(cfg).eval().cuda()

def resnet50():
    import torchvision
    return torchvision.models.resnet50(weights=None).eval().cuda()

rows = []
dev = torch.cuda.get_device_name(0)
with torch.inference_mode():
    for n in (4096, 8192):
        for dt in (torch.float32, torch.bfloat16, torch.float16):
            a = torch.randn(n, n, device="cuda", dtype=dt); b = torch.randn(n, n, device="cuda", dtype=dt)
            t = timed(lambda: a @ b, iters=10, warmup=3)
            rows.append({"kind": "gemm", "n": n, "precision": str(dt).split(".")[1], "tflops": 2 * n**3 / t / 1e12})
    torch.backends.cuda.matmul.allow_tf32 = False
    specs = [("minilm-l6", (6, 384, 12, 1536)), ("bert-base", (12, 768, 12, 3072))]
    for name, spec in specs:
        m = encoder(*spec)
        for prec, dt in (("fp32", torch.float32), ("fp16", torch.float16), ("bf16", torch.bfloat16)):
            mm = m.to(dt)
            for bs in (1, 8, 32, 128):
                ids = torch.randint(0, 30000, (bs, 128), device="cuda")
                mask = torch.ones_like(ids)
                t = timed(lambda: mm(input_ids=ids, attention_mask=mask))
                rows.append({"kind": "model", "model": name, "seq": 128, "precision": prec, "batch_size": bs,
                             "latency_ms": t * 1e3, "throughput": bs / t})
        del m
    try:
        m = resnet50()
        for prec, dt in (("fp32", torch.float32), ("fp16", torch.float16), ("bf16", torch.bfloat16)):
            mm = m.to(dt).to(memory_format=torch.channels_last)
            for bs in (1, 8, 32, 128):
                x = torch.randn(bs, 3, 224, 224, device="cuda", dtype=dt).to(memory_format=torch.channels_last)
                t = timed(lambda: mm(x))
                rows.append({"kind": "model", "model": "resnet50", "precision": prec, "batch_size": bs,
                             "latency_ms": t * 1e3, "throughput": bs / t})
    except ImportError as e:
        print("resnet50 skipped:", e)
out = {"device": dev, "torch": torch.__version__, "date": time.strftime("%Y-%m-%d"),
       "method": ("CUDA graphs, " if GRAPHS else "") + "PyTorch eager, inference_mode, TF32 off, median of 30 timed runs after 8 warm-ups, random weights", "rows": rows}
json.dump(out, open(sys.argv[1], "w"), indent=1)
for r in rows:
    print(r)
