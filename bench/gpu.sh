#!/usr/bin/env bash
# Prediction speed on a CUDA host: the same measurement as `npm run bench:predict`, with onnxruntime-node's CUDA
# execution provider. Needs an NVIDIA GPU with CUDA 12 and cuDNN 9 (what onnxruntime-node 1.30's CUDA build uses).
#   bash bench/gpu.sh            # from the repository root, after `npm ci`
# It reinstalls onnxruntime-node's native binaries with CUDA (a download from onnxruntime's release site, so the
# host needs that access once), runs the CPU baseline and the CUDA run on the same machine, and prints both.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader \
  || { echo "gpu.sh: no nvidia-smi: this host has no NVIDIA GPU" >&2; exit 2; }
if [ ! -e node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime_providers_cuda.so ]; then
  echo "gpu.sh: installing onnxruntime-node's CUDA 12 binaries"
  (cd node_modules/onnxruntime-node && ONNXRUNTIME_NODE_INSTALL=cuda12 node ./script/install)
fi
echo "== CPU (one thread) =="
ONNX_EXECUTION_PROVIDER=cpu ONNX_THREADS=1 npm run --silent bench:predict
echo "== CUDA =="
ONNX_EXECUTION_PROVIDER=cuda npm run --silent bench:predict -- --require-provider cuda
