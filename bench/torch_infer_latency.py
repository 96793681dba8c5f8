"""W1 batch-1 inference in PyTorch, timed like bench/infer-latency.ts: rounds of calls, the median
wall time (perf_counter) and process CPU time (process_time) per call, in µs. The model and input
are torch_peer.py's W1 (seed 0; the first sample of the first synthetic batch). Run it in the
environment bench/torch-peer.ts's childEnv(threads) builds; on a shared machine, alternate it
with the Axon bench. Usage: python3 torch_infer_latency.py [rounds] [calls]"""
import sys
import time

import torch
import torch.nn as nn

from torch_peer import synthetic, uniform


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    x1 = synthetic(1, 1, lambda r: uniform(r, 64 * 784).view(64, 784))[0][:1].clone()

    def infer():
        with torch.no_grad():
            model(x1).tolist()  # read the 10 logits back, as the TypeScript side's .data()

    for _ in range(calls):
        infer()
    walls, cpus = [], []
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(calls):
            infer()
        walls.append((time.perf_counter() - t0) / calls * 1e6)
        cpus.append((time.process_time() - c0) / calls * 1e6)
    walls.sort()
    cpus.sort()
    print(f"torch {torch.__version__} W1-infer, {torch.get_num_threads()} thread(s): {walls[rounds // 2]:.1f} us "
          f"(min {walls[0]:.1f})  cpu {cpus[rounds // 2]:.1f} us")


if __name__ == "__main__":
    main()
