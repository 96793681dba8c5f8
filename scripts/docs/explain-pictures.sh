#!/bin/sh
# The pictures of the README's "Explaining a prediction" section, regenerated from the CLI
# (run from the repository root after npm run build). Deterministic: the same files every run.
set -e
node bin/axon.js explain mnist --method saliency --index 3 --out docs/explain-mnist-saliency.png
node bin/axon.js explain mnist --method ig --index 3 --out docs/explain-mnist-ig.png
node bin/axon.js explain mnist --method gradcam --index 3 --out docs/explain-mnist-gradcam.png
node bin/axon.js explain iris --index 60 --out docs/explain-iris-shap.svg
