#!/usr/bin/python3
"""Side-by-side peer for bench/metrics.bench.mts: NLTK's corpus_bleu (Debian python3-nltk) on
pre-tokenized pairs. Input: a file of lines "hyp tokens\tref tokens" (tokens space-separated,
tunebench's 13a tokenization). Times only the corpus_bleu call, one call per round, and prints
one JSON line per round: {"seconds": s, "score": bleu_0_100, "nltk": version}."""
import json
import sys
import time

import nltk
from nltk.translate.bleu_score import corpus_bleu

path, rounds = sys.argv[1], int(sys.argv[2])
hyps, refs = [], []
with open(path, encoding='utf-8') as f:
    for line in f:
        h, r = line.rstrip('\n').split('\t')
        hyps.append(h.split(' ') if h else [])
        refs.append([r.split(' ') if r else []])
for _ in range(rounds):
    t0 = time.perf_counter()
    score = corpus_bleu(refs, hyps)
    dt = time.perf_counter() - t0
    print(json.dumps({'seconds': dt, 'score': score * 100, 'nltk': nltk.__version__}), flush=True)
