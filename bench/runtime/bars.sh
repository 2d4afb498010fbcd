#!/bin/bash
# The runtime issue's bars (docs/performance.md): MiniLM batch-1 requests from 64 closed-loop clients with dynamic
# batching (max batch 16) against none, and 2 replicas against 1 core, each process confined to 2 CPUs.
# Usage: bench/runtime/bars.sh [OUTDIR]   (AXON="dotnet path/to/axon.dll" to use a built CLI; DUR=15s; CPUS=0,1)
set -euo pipefail
OUTDIR=${1:-perf-out}
AXON=${AXON:-"dotnet run -c Release --project src/Axon.Cli --"}
CPUS=${CPUS:-0,1}
DUR=${DUR:-15s}
mkdir -p "$OUTDIR"
run() { taskset -c "$CPUS" $AXON perf --minilm --batch-sizes 1 "$@"; }
run --cores 2 --concurrency 64 --max-batch 16 --max-queue-delay-us 2000 --duration "$DUR" --warmup 3s --json "$OUTDIR/batched.json"
run --cores 2 --concurrency 64 --max-batch 1 --max-queue-delay-us 2000 --duration "$DUR" --warmup 3s --json "$OUTDIR/unbatched.json"
run --cores 1,2 --replicated --concurrency 4 --max-batch 1 --duration "$DUR" --warmup 2s --json "$OUTDIR/replicated.json"
