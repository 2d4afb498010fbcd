#!/usr/bin/env bash
# Runs the kernel tests at every instruction tier this machine can be forced into, asserting which one ran
# (TierTests reads AXON_EXPECT_TIER). Build first: dotnet build tests/Axon.Kernels.Tests -c Release
set -euo pipefail
cd "$(dirname "$0")/.."
best=avx2
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then best=avx512; fi
if ! grep -qw avx2 /proc/cpuinfo 2>/dev/null || ! grep -qw fma /proc/cpuinfo 2>/dev/null; then best=scalar; fi
run() {
    echo "== kernel tests: $1 (expect tier $2)"
    env $1 AXON_EXPECT_TIER="$2" dotnet test tests/Axon.Kernels.Tests -c Release --no-build "${@:3}"
}
run "AXON_TIER_RUN=default" "$best" "$@"
if [ "$best" = avx512 ]; then
    run "DOTNET_EnableAVX512F=0" avx2 "$@"
fi
run "DOTNET_EnableAVX2=0" scalar "$@"
run "DOTNET_EnableHWIntrinsic=0" scalar "$@"
