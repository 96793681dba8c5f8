#!/usr/bin/env python3
"""PyTorch side of `npm run bench -- --to-accuracy` (bench/to-accuracy.ts runs this in a child process).

The same recipes as the TypeScript side, on the data it wrote to --data (accuracy-data.ts's
writeArrays: <name>.bin raw little-endian arrays and meta.json with shapes and scalars): the same
MNIST split, epoch orders and per-digit shifts; the same SOTU token ids, training-batch and
validation-batch offsets. Only the initial weights and the numerics differ. Time is wall seconds from
the first training step to the evaluation that reached the target, evaluations included. Prints
progress on stderr and, last on stdout, one JSON line:
{"torch": version, "threads": n, "result": {"reached", "seconds", "count", "metric", "history"}}.
Usage: python3 torch_accuracy.py --task mnist|gpt --data DIR --threads 1
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_peer import LeNet5  # the script's folder is on sys.path when it runs


def log(s):
    sys.stderr.write(s + "\n")
    sys.stderr.flush()


def read_arrays(d):
    """accuracy-data.ts's readArrays: {name: tensor}, info."""
    with open(os.path.join(d, "meta.json")) as f:
        meta = json.load(f)
    arrays = {}
    for name, a in meta["arrays"].items():
        dt = "<f4" if a["dtype"] == "float32" else "<i4"
        arrays[name] = torch.from_numpy(np.fromfile(os.path.join(d, name + ".bin"), dtype=dt).reshape(a["shape"]))
    return arrays, meta["info"]


# ---- mnist-lenet ----
# LeNet5: examples/mnist-lenet.ts's leNet5, the W2 model of torch_peer.py (imported from there).


def shift_images(x, shifts, fill, pad):
    """accuracy-data.ts's shiftImages: pad by `pad` with `fill`, crop each image at (pad - dy, pad - dx).
    x (B, 1, 28, 28), shifts (B, 2) as (dy, dx) -> (B, 1, 28, 28)."""
    h, w = x.shape[-2:]
    p = F.pad(x, (pad, pad, pad, pad), value=fill)  # (B, 1, 28 + 2·pad, 28 + 2·pad)
    s = shifts.tolist()
    return torch.stack([p[i, :, pad - dy:pad - dy + h, pad - dx:pad - dx + w] for i, (dy, dx) in enumerate(s)])


def mnist(d, info):
    torch.manual_seed(0)
    model = LeNet5()
    opt = torch.optim.Adam(model.parameters(), lr=info["lr"])
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=int(info["epochs"]))
    tx, ty, ex, ey = d["train_x"], d["train_y"].long(), d["test_x"], d["test_y"].long()
    orders, shifts = d["orders"].long(), d["shifts"]
    n, B, fill, pad = tx.shape[0], int(info["batch"]), float(info["fill"]), int(info["pad"])
    history = []
    t0 = time.perf_counter()
    for e in range(int(info["epochs"])):
        model.train()
        for b in range(0, n, B):
            idx = orders[e, b:b + B]  # (B)
            x = shift_images(tx[idx], shifts[e, b:b + B], fill, pad)  # (B, 1, 28, 28)
            opt.zero_grad(set_to_none=False)
            F.cross_entropy(model(x), ty[idx]).backward()
            opt.step()
        sched.step()
        model.eval()
        with torch.no_grad():
            correct = sum(int((model(ex[i:i + 500]).argmax(1) == ey[i:i + 500]).sum()) for i in range(0, ex.shape[0], 500))
        acc = correct / ex.shape[0]
        history.append(acc)
        log(f"torch {torch.get_num_threads()}t mnist epoch {e + 1}: test accuracy {acc * 100:.2f}%, {time.perf_counter() - t0:.1f} s")
        if acc >= info["target"]:
            return {"reached": True, "seconds": time.perf_counter() - t0, "count": e + 1, "metric": acc, "history": history}
    return {"reached": False, "seconds": time.perf_counter() - t0, "count": len(history), "metric": max(history), "history": history}


# ---- sotu-gpt ----
class CausalSelfAttention(nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.H = H
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)  # (B, T, 3C) -> 3 x (B, T, C)
        q, k, v = (t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in (q, k, v))  # (B, H, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(C // self.H))  # (B, H, T, T)
        mask = torch.ones(T, T, dtype=torch.bool).tril()
        att = F.softmax(att.masked_fill(~mask, float("-inf")), dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)  # (B, H, T, hs) -> (B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, C):
        super().__init__()
        self.c_fc = nn.Linear(C, 4 * C)
        self.c_proj = nn.Linear(4 * C, C)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x)))  # (B, T, C) -> (B, T, 4C) -> (B, T, C); exact (erf) GELU as Axon's


class Block(nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C)
        self.attn = CausalSelfAttention(C, H)
        self.ln_2 = nn.LayerNorm(C)
        self.mlp = MLP(C)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    """src/nn/gpt.ts's GPT, laid out and initialised the same way. Differences from torch_peer.py's
    W4 copy, fixed here: both residual projections (attn.c_proj and mlp.c_proj) start at std
    0.02/sqrt(2·nLayer) as GPT-2/nanoGPT and Axon do, and the vocabulary is the tokenizer's."""

    def __init__(self, V, T=64, C=128, H=4, L=2):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList([Block(C, H) for _ in range(L)])
        self.ln_f = nn.LayerNorm(C)
        for name, p in self.named_parameters():
            if name.endswith(".bias"):
                nn.init.zeros_(p)
            elif name.startswith("ln_f") or ".ln_" in name:
                continue  # LayerNorm weights stay 1
            elif name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * L))
            else:
                nn.init.normal_(p, 0.0, 0.02)

    def loss(self, idx, targets):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))  # (B, T, C)
        for b in self.h:
            x = b(x)
        logits = self.ln_f(x) @ self.wte.weight.t()  # (B, T, V), tied head
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def gpt(d, info, budget):
    torch.manual_seed(0)
    ids = d["ids"].long()
    cut, T, base_lr, every = int(info["cut"]), int(info["context"]), info["lr"], int(info["every"])
    train, val = ids[:cut], ids[cut:]
    train_off, val_off = d["train_offsets"].long(), d["val_offsets"].long()
    window = torch.arange(T + 1)

    def batch(src, offsets):
        w = src[offsets[:, None] + window]  # (B, T + 1)
        return w[:, :-1], w[:, 1:]  # (B, T) inputs, (B, T) next-token targets

    model = GPT(int(info["vocab"]), T)
    opt = torch.optim.AdamW(model.parameters(), lr=base_lr, betas=(0.9, 0.99), weight_decay=0.01)
    total = train_off.shape[0]

    def validate():
        model.eval()
        with torch.no_grad():
            s = sum(model.loss(*batch(val, val_off[v])).item() for v in range(val_off.shape[0]))
        model.train()
        return s / val_off.shape[0]

    history = []
    t0 = time.perf_counter()
    step = 0
    while step < total and time.perf_counter() - t0 < budget:
        for g in opt.param_groups:
            g["lr"] = base_lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / total)))  # cosine to 10%
        opt.zero_grad(set_to_none=False)
        model.loss(*batch(train, train_off[step])).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % every == 0:
            v = validate()
            history.append(v)
            log(f"torch {torch.get_num_threads()}t gpt step {step}: validation {v:.3f} nats/char, {time.perf_counter() - t0:.1f} s")
            if v <= info["target"]:
                return {"reached": True, "seconds": time.perf_counter() - t0, "count": step, "metric": v, "history": history}
    return {"reached": False, "seconds": time.perf_counter() - t0, "count": step, "metric": min(history) if history else None, "history": history}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--task", choices=["mnist", "gpt"], required=True)
    p.add_argument("--data", required=True)
    p.add_argument("--threads", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    d, info = read_arrays(a.data)
    r = mnist(d, info) if a.task == "mnist" else gpt(d, info, float(info["budget"]))
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "result": r}))


if __name__ == "__main__":
    main()
