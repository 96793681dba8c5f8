#!/usr/bin/env python3
"""Runs the official ONNX checker (onnx.checker.check_model with full_check, which also infers
shapes) on every .onnx file in a folder — the files scripts/onnx/export-samples.mjs writes:

    npm run build && node scripts/onnx/export-samples.mjs /tmp/axon-onnx-samples
    /usr/bin/python3 scripts/onnx/check_onnx.py /tmp/axon-onnx-samples

Needs Debian's python3-onnx (apt-get install python3-onnx); offline, never run by CI.
"""
import pathlib
import sys

import onnx

folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/axon-onnx-samples")
files = sorted(folder.glob("*.onnx"))
if not files:
    sys.exit(f"no .onnx files in {folder}; run scripts/onnx/export-samples.mjs first")
failed = 0
for f in files:
    model = onnx.load(str(f))
    try:
        onnx.checker.check_model(model, full_check=True)
        ops = sorted({n.op_type for n in model.graph.node})
        print(f"ok   {f.name}: ir {model.ir_version}, opset {model.opset_import[0].version}, {len(model.graph.node)} nodes ({', '.join(ops)})")
    except Exception as e:  # the checker raises ValidationError / InferenceError
        failed += 1
        print(f"FAIL {f.name}: {e}")
print(f"onnx {onnx.__version__}: {len(files) - failed} of {len(files)} models pass the checker")
sys.exit(1 if failed else 0)
