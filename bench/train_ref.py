"""
PyTorch reference for bench/train.bench.mts: the same stories15M-shape Llama (dim 288, 6 layers,
6 heads, SwiGLU hidden 768, vocab 32,000, tied embeddings, RoPE rotate_half, RMSNorm), trained on
random tokens at seq 256 with AdamW, as a PyTorch user would write it on CPU:
torch.set_num_threads(N), Debian's OpenMP OpenBLAS on LD_LIBRARY_PATH (set by the bench).

  python3 bench/train_ref.py --mode lora|full --batch 8 --seq 256 --steps 6 --warmup 2 --threads 2

Prints one JSON line: tokens_per_second, step times, peak RSS, torch version and threads.
LoRA: rank 16, alpha 32 on q_proj and v_proj, A kaiming-uniform(a=sqrt(5)), B = 0, no dropout
(the bench uses no dropout on either side, so both do the same arithmetic).
"""
import argparse
import json
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LoraLinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float):
        super().__init__()
        self.base = base
        self.a = nn.Parameter(torch.empty(r, base.in_features))
        self.b = nn.Parameter(torch.zeros(base.out_features, r))
        nn.init.kaiming_uniform_(self.a, a=math.sqrt(5))
        self.scale = alpha / r

    def forward(self, x):
        return self.base(x) + (x @ self.a.t() @ self.b.t()) * self.scale


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.w = nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.w


def rope_tables(t, hd, theta=10000.0):
    inv = 1.0 / (theta ** (torch.arange(0, hd, 2).float() / hd))
    f = torch.outer(torch.arange(t).float(), inv)
    emb = torch.cat([f, f], -1)
    return emb.cos(), emb.sin()


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], -1)


class Block(nn.Module):
    def __init__(self, d, heads, hidden):
        super().__init__()
        self.heads = heads
        self.q_proj = nn.Linear(d, d, bias=False)
        self.k_proj = nn.Linear(d, d, bias=False)
        self.v_proj = nn.Linear(d, d, bias=False)
        self.o_proj = nn.Linear(d, d, bias=False)
        self.gate_proj = nn.Linear(d, hidden, bias=False)
        self.up_proj = nn.Linear(d, hidden, bias=False)
        self.down_proj = nn.Linear(hidden, d, bias=False)
        self.n1 = RMSNorm(d)
        self.n2 = RMSNorm(d)

    def forward(self, x, cos, sin, mask):
        b, t, d = x.shape
        hd = d // self.heads
        h = self.n1(x)
        q = self.q_proj(h).view(b, t, self.heads, hd).transpose(1, 2)
        k = self.k_proj(h).view(b, t, self.heads, hd).transpose(1, 2)
        v = self.v_proj(h).view(b, t, self.heads, hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hd) + mask
        o = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.o_proj(o)
        h = self.n2(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class Llama(nn.Module):
    def __init__(self, vocab=32000, d=288, layers=6, heads=6, hidden=768):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList([Block(d, heads, hidden) for _ in range(layers)])
        self.norm = RMSNorm(d)
        self.heads = heads
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)

    def forward(self, ids, targets):
        b, t = ids.shape
        cos, sin = rope_tables(t, self.embed.weight.shape[1] // self.heads)
        mask = torch.full((t, t), float("-inf")).triu(1)
        x = self.embed(ids)
        for blk in self.blocks:
            x = blk(x, cos, sin, mask)
        logits = self.norm(x) @ self.embed.weight.t()  # tied head
        return F.cross_entropy(logits.view(-1, logits.shape[-1]), targets.reshape(-1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", choices=["lora", "full"], default="lora")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = Llama()
    if a.mode == "lora":
        for p in model.parameters():
            p.requires_grad_(False)
        for blk in model.blocks:
            blk.q_proj = LoraLinear(blk.q_proj, 16, 32)
            blk.v_proj = LoraLinear(blk.v_proj, 16, 32)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW(params, lr=1e-4, weight_decay=0.0)
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, 32000, (a.batch, a.seq + 1), generator=g)
    x, y = ids[:, :-1], ids[:, 1:]
    times = []
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        dt = time.perf_counter() - t0
        if i >= a.warmup:
            times.append(dt)
    mean = sum(times) / len(times)
    print(json.dumps({
        "mode": a.mode,
        "batch": a.batch,
        "seq": a.seq,
        "tokens_per_second": a.batch * a.seq / mean,
        "step_ms": [round(t * 1000, 1) for t in times],
        "loss": float(loss),
        "trainable_parameters": sum(p.numel() for p in params),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
    }))


if __name__ == "__main__":
    main()
