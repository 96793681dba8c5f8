#!/usr/bin/env python3
"""PyTorch CPU as a peer of `npm run bench` (bench/torch-peer.ts runs this in a child process).

The same workloads as the TypeScript side (shared/workloads.md), the same timing rules (warm-up >= 3
steps, then `reps` repetitions of at least `min_steps` steps and `min_time` seconds, a slow
repetition stopped after `max_time` seconds, the median time per step) and the same shapes, at the
thread count given by --threads (torch.set_num_threads, and OMP/OpenBLAS/MKL thread counts set by
the parent in the environment). Prints progress on stderr and, last on stdout, one JSON line:
{"torch": version, "blas": ..., "threads": n, "results": {"W0-128": GFLOP/s, "W1-train": samples/s,
"W1-infer": us, "W2-train": samples/s, "W3-train" and "W3-gru-train": sequences/s, "W4-train": tokens/s}}.
Usage: python3 torch_peer.py --threads 1 [--only W0,W1,W2,W3,W4] [--min-time 1]
"""
import argparse
import json
import math
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def log(s):
    sys.stderr.write(s + "\n")
    sys.stderr.flush()


def measure(step, o, min_steps=None):
    """Median seconds per step, as bench/timing.ts's measure()."""
    min_steps = o["min_steps"] if min_steps is None else min_steps
    w0 = time.perf_counter()
    for i in range(o["warmup"]):
        if i > 0 and time.perf_counter() - w0 >= o["max_time"]:
            break
        step()
    per_rep = []
    for _ in range(o["reps"]):
        n = 0
        t0 = time.perf_counter()
        while True:
            step()
            n += 1
            t = time.perf_counter() - t0
            if t >= o["max_time"] or (n >= min_steps and t >= o["min_time"]):
                break
        per_rep.append(t / n)
    per_rep.sort()
    m = len(per_rep) // 2
    return per_rep[m] if len(per_rep) % 2 else (per_rep[m - 1] + per_rep[m]) / 2


def lcg(seed):
    """bench/synthetic.ts's generator: the same numbers as the TypeScript side."""
    s = seed

    def rnd():
        nonlocal s
        s = (s * 1664525 + 1013904223) % 4294967296
        return s / 4294967296

    return rnd


def synthetic(count, seed, make):
    rnd = lcg(seed)
    return [make(rnd) for _ in range(count)]


def labels(rnd, n, classes):
    return torch.tensor([math.floor(rnd() * classes) for _ in range(n)], dtype=torch.long)


def uniform(rnd, n, lo=0.0, hi=1.0):
    return torch.tensor([lo + (hi - lo) * rnd() for _ in range(n)], dtype=torch.float32)


def train_step(model, opt, data, loss_fn):
    """One step as the TypeScript side's axonTrainStep: zero_grad, forward, loss, read it, backward, step."""
    i = [0]

    def step():
        x, y = data[i[0] % len(data)]
        i[0] += 1
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(model(x), y)
        loss.item()
        loss.backward()
        opt.step()

    return step


# ---- W0 ----
def w0(o):
    out = {}
    for n in (128, 256, 512, 1024):
        a = torch.randn(n, n)
        b = torch.randn(n, n)
        t = measure(lambda: torch.mm(a, b), o)
        out[f"W0-{n}"] = 2 * n**3 / t / 1e9
    return out


# ---- W1 ----
def w1(o):
    torch.manual_seed(0)
    B = 64
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    data = synthetic(8, 1, lambda r: (uniform(r, B * 784).view(B, 784), labels(r, B, 10)))
    step = train_step(model, opt, data, F.cross_entropy)
    train = B / measure(step, o)
    x1 = data[0][0][:1].clone()

    def infer():
        with torch.no_grad():
            model(x1).tolist()  # read the 10 logits back, as the TypeScript side's .data()

    lat = measure(infer, o, min_steps=2000) * 1e6
    return {"W1-train": train, "W1-infer": lat}


# ---- W2 ----
class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 6, 5, padding=2)
        self.c2 = nn.Conv2d(6, 16, 5)
        self.f1 = nn.Linear(400, 120)
        self.f2 = nn.Linear(120, 84)
        self.f3 = nn.Linear(84, 10)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.c1(x)), 2)  # (N, 6, 14, 14)
        h = F.max_pool2d(F.relu(self.c2(h)), 2)  # (N, 16, 5, 5)
        h = h.flatten(1)  # (N, 400)
        return self.f3(F.relu(self.f2(F.relu(self.f1(h)))))


def w2(o):
    torch.manual_seed(0)
    B = 64
    model = LeNet5()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    data = synthetic(8, 1, lambda r: (uniform(r, B * 784).view(B, 1, 28, 28), labels(r, B, 10)))
    return {"W2-train": B / measure(train_step(model, opt, data, F.cross_entropy), o)}


# ---- W3 ----
class W3Model(nn.Module):
    """W3's model; gru=True: W3's GRU variant (the same shapes with nn.GRU)."""

    def __init__(self, gru=False):
        super().__init__()
        self.gru = gru
        self.rnn = nn.GRU(32, 128, batch_first=True) if gru else nn.LSTM(32, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        _, h = self.rnn(x)  # h (1, N, 128), or (h, c) for the LSTM
        return self.head((h if self.gru else h[0]).squeeze(0))  # (N, 10)


def w3(o):
    out = {}
    for gru, key in ((False, "W3-train"), (True, "W3-gru-train")):
        torch.manual_seed(0)
        N, T, I = 32, 64, 32
        model = W3Model(gru)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        data = synthetic(4, 1, lambda r: (uniform(r, N * T * I, -1.0, 1.0).view(N, T, I), labels(r, N, 10)))
        out[key] = N / measure(train_step(model, opt, data, F.cross_entropy), o)
    return out


# ---- W4 ----
class Block(nn.Module):
    def __init__(self, C, H, T):
        super().__init__()
        self.H = H
        self.ln_1 = nn.LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C)
        self.fc = nn.Linear(C, 4 * C)
        self.proj = nn.Linear(4 * C, C)
        self.register_buffer("mask", torch.tril(torch.ones(T, T, dtype=torch.bool)))

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)  # 3 x (B, T, C)
        q, k, v = (t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in (q, k, v))  # (B, H, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.H))  # (B, H, T, T)
        att = F.softmax(att.masked_fill(~self.mask[:T, :T], float("-inf")), dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)  # (B, T, C)
        x = x + self.c_proj(y)
        return x + self.proj(F.gelu(self.fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, V=96, T=64, C=128, H=4, L=2):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList([Block(C, H, T) for _ in range(L)])
        self.ln_f = nn.LayerNorm(C)
        for n, p in self.named_parameters():
            if p.dim() == 2:
                nn.init.normal_(p, 0.0, 0.02)
            elif n.endswith("bias"):
                nn.init.zeros_(p)

    def forward(self, idx):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))  # (B, T, C)
        for b in self.h:
            x = b(x)
        return self.ln_f(x) @ self.wte.weight.t()  # (B, T, V), tied head


def gpt_loss(logits, y):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def w4(o):
    torch.manual_seed(0)
    B, T, V = 16, 64, 96
    model = GPT()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    data = synthetic(4, 1, lambda r: (labels(r, B * T, V).view(B, T), labels(r, B * T, V).view(B, T)))
    return {"W4-train": B * T / measure(train_step(model, opt, data, gpt_loss), o)}


WORKLOADS = {"W0": w0, "W1": w1, "W2": w2, "W3": w3, "W4": w4}


def blas():
    """The BLAS library this process loaded (Debian's torch links whichever libblas the alternatives pick)."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))
    try:
        with open("/proc/self/maps") as f:
            libs = {line.split()[-1].rsplit("/", 1)[-1] for line in f if "blas" in line.lower() or "mkl" in line.lower()}
    except OSError:  # not Linux
        libs = set()
    if libs:
        return ", ".join(sorted(libs))
    return "MKL" if torch.backends.mkl.is_available() else "unknown"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--only", default="W0,W1,W2,W3,W4")
    p.add_argument("--min-time", type=float, default=1.0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    o = {"warmup": 3, "min_steps": 20, "min_time": a.min_time, "max_time": 6.0, "reps": 3}
    out = {}
    for w in a.only.split(","):
        if w in WORKLOADS:
            log(f"torch {torch.__version__} {a.threads}t: {w}")
            out.update(WORKLOADS[w](o))
    print(json.dumps({"torch": torch.__version__, "blas": blas(), "threads": torch.get_num_threads(), "results": out}))


if __name__ == "__main__":
    main()
