#!/bin/sh
# Images per second through torchvision's ResNet-18 (random weights, 224×224)
# with each intdim ONNX backend, next to PyTorch on the same cores, in one run.
# The model is exported to a temporary folder, never committed.
#
#   scripts/bench_onnx.sh [LIBONNXRUNTIME]
#
# Needs /usr/bin/python3 with torch and torchvision (Debian python3-torch,
# python3-torchvision). With LIBONNXRUNTIME (or $ONNXRUNTIME_LIB) the ort
# backend is measured too (go test -tags ort; onnxruntime 1.24, e.g. from the
# npm package onnxruntime-node). BATCH (default 8) and REPS (default 3) tune it.
set -eu
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
lib=${1:-${ONNXRUNTIME_LIB:-}}
batch=${BATCH:-8}
reps=${REPS:-3}
threads=$(nproc)

/usr/bin/python3 - "$tmp/resnet18.onnx" "$batch" "$reps" "$threads" <<'PY'
import sys, time, warnings
warnings.filterwarnings("ignore")
import torch, torchvision
path, batch, reps, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(threads)
torch.manual_seed(0)
m = torchvision.models.resnet18(weights=None).eval()
torch.onnx.export(m, torch.randn(2, 3, 224, 224), path, opset_version=13, input_names=["input"],
                  output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
# Keep the same layers as intdim's --layers auto (hooks only hold references).
acts = []
for mod in [m.maxpool, *m.layer1, *m.layer2, *m.layer3, *m.layer4, m.avgpool, m.fc]:
    mod.register_forward_hook(lambda mod, i, o: acts.append(o))
x = torch.randn(batch, 3, 224, 224)
with torch.no_grad():
    m(x)
    acts.clear()
    t0 = time.perf_counter()
    for _ in range(reps):
        m(x)
        acts.clear()
    dt = time.perf_counter() - t0
print("pytorch %s (%d threads): %.2f images/s" % (torch.__version__, threads, batch * reps / dt))
PY

export INTDIM_BENCH_ONNX="$tmp/resnet18.onnx" INTDIM_BENCH_BATCH="$batch"
if [ -n "$lib" ]; then
	ONNXRUNTIME_LIB="$lib" go test -tags ort,gomlx -run '^$' -bench 'Forward/resnet18' -benchtime "${reps}x" ./onnx
else
	go test -tags gomlx -run '^$' -bench 'Forward/resnet18' -benchtime "${reps}x" ./onnx
fi
