"""Train the oxidation-state prior and export it to models/oxidation-prior/cu-k.{onnx,json}.

identification-lessons.md section 6: a small classifier on the near-edge spectrum, trained on catalogue spectra
augmented to look measured, used beside the matcher. Features and augmentation are made by the service's own code
(training/oxidation-features.ts, run here through node), so training and serving cut the same numbers.

  /usr/bin/python3 training/oxidation_prior.py [--copies 12] [--out models/oxidation-prior] [--materials N]

Model: 141 normalised mu values (-10...+60 eV from the half-step) -> 128 -> 64 -> 3 (ReLU, dropout 0.1), softmax over
the oxidation states +1, +2, +3; soft labels (shares of the Cu sites). AdamW, 60 epochs, best-on-val kept.
OmniXAS material split: trained on train, chosen on val, reported on test and on the materials without a split.
"""
import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torch import nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
CLASSES = [1, 2, 3]


def features(out_dir: str, copies: int, materials: int | None) -> dict:
    cmd = ['node', '--import', 'tsx', os.path.join(ROOT, 'training', 'oxidation-features.ts'), '--out', out_dir, '--copies', str(copies)]
    if materials:
        cmd += ['--materials', str(materials)]
    subprocess.run(cmd, cwd=ROOT, check=True)
    return load(out_dir)


def load(out_dir: str) -> dict:
    meta = json.load(open(os.path.join(out_dir, 'meta.json')))
    n, f = meta['rows'], meta['features']['count']
    return {
        'meta': meta,
        'x': np.fromfile(os.path.join(out_dir, 'features.f32'), dtype=np.float32).reshape(n, f),
        'y': np.fromfile(os.path.join(out_dir, 'labels.f32'), dtype=np.float32).reshape(n, len(CLASSES)),
        'split': np.fromfile(os.path.join(out_dir, 'split.u8'), dtype=np.uint8),
    }


class Prior(nn.Module):
    """MLP on mu and its point-to-point differences (the edge's slopes carry the oxidation state)."""

    def __init__(self, n_in: int, hidden: int = 128):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(2 * n_in - 1, hidden), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(hidden, hidden // 2), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(hidden // 2, len(CLASSES)),
        )

    def forward(self, x):
        return self.net(torch.cat([x, 4 * (x[:, 1:] - x[:, :-1])], dim=1))


class Exported(nn.Module):
    def __init__(self, prior: Prior):
        super().__init__()
        self.prior = prior

    def forward(self, features):
        return torch.softmax(self.prior(features), dim=-1)


def metrics(model: nn.Module, x: np.ndarray, y: np.ndarray) -> dict:
    if len(x) == 0:
        return {'rows': 0}
    model.eval()
    with torch.no_grad():
        p = torch.softmax(model(torch.from_numpy(x)), dim=-1).numpy()
    truth = y.argmax(1)
    pure = y.max(1) > 0.999
    loss = float(-(y * np.log(np.clip(p, 1e-7, 1))).sum(1).mean())
    return {
        'rows': int(len(x)),
        'crossEntropy': round(loss, 4),
        'accuracy': round(float((p.argmax(1) == truth).mean()), 4),
        'accuracySingleValence': round(float((p.argmax(1) == truth)[pure].mean()), 4),
        'byClass': {str(c): round(float((p.argmax(1) == truth)[truth == k].mean()), 4) if (truth == k).any() else None for k, c in enumerate(CLASSES)},
        'majorityBaseline': round(float((truth == np.bincount(truth, minlength=len(CLASSES)).argmax()).mean()), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument('--copies', type=int, default=12)
    parser.add_argument('--materials', type=int, default=None)
    parser.add_argument('--epochs', type=int, default=60)
    parser.add_argument('--out', default=os.path.join(ROOT, 'models', 'oxidation-prior'))
    parser.add_argument('--features', help='a folder of features written before (reused when it exists, written there when not)')
    parser.add_argument('--hidden', type=int, default=128)
    parser.add_argument('--lr', type=float, default=1e-3)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    np.random.seed(0)

    if args.features and os.path.exists(os.path.join(args.features, 'meta.json')):
        data = load(args.features)
    elif args.features:
        data = features(args.features, args.copies, args.materials)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            data = features(tmp, args.copies, args.materials)
    x, y, split = data['x'], data['y'], data['split']
    parts = {name: split == k for k, name in enumerate(['train', 'val', 'test', 'none'])}
    print({name: int(mask.sum()) for name, mask in parts.items()}, flush=True)

    model = Prior(x.shape[1], args.hidden)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=args.epochs)
    xt, yt = torch.from_numpy(x[parts['train']]), torch.from_numpy(y[parts['train']])
    best, best_state = float('inf'), None
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(xt))
        for i in range(0, len(xt), 128):
            idx = order[i:i + 128]
            loss = -(yt[idx] * torch.log_softmax(model(xt[idx]), dim=-1)).sum(1).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
        val = metrics(model, x[parts['val']], y[parts['val']])
        if val['crossEntropy'] < best:
            best, best_state = val['crossEntropy'], {k: v.clone() for k, v in model.state_dict().items()}
        if epoch % 10 == 0 or epoch == args.epochs - 1:
            print(f'epoch {epoch}: val {val}', flush=True)
    model.load_state_dict(best_state)
    report = {name: metrics(model, x[mask], y[mask]) for name, mask in parts.items()}
    print(json.dumps(report, indent=1))

    os.makedirs(args.out, exist_ok=True)
    onnx_path = os.path.join(args.out, 'cu-k.onnx')
    exported = Exported(model).eval()
    torch.onnx.export(exported, torch.zeros(1, x.shape[1]), onnx_path, input_names=['features'], output_names=['probabilities'],
                      dynamic_axes={'features': {0: 'n'}, 'probabilities': {0: 'n'}}, opset_version=17)
    with torch.no_grad():
        probe_x = x[parts['test']][:8] if parts['test'].any() else x[:8]
        probe_p = exported(torch.from_numpy(probe_x)).numpy()
    sidecar = {
        'absorbingElement': 'Cu',
        'edge': 'K',
        'file': 'cu-k.onnx',
        'sha256': hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest(),
        'classes': CLASSES,
        'features': data['meta']['features'],
        'what': 'probabilities of the Cu oxidation states +1, +2, +3 from the normalised near-edge spectrum (identification prior)',
        'data': {
            'source': 'seed/omnixas-cu-feff (OmniXAS FEFF 9.9.1 site averages, BSD-3); labels: pymatgen BVAnalyzer site oxidation states',
            'augmentation': data['meta']['augmentation'],
            'copies': data['meta']['copies'],
            'materials': data['meta']['materials'],
            'split': 'OmniXAS material split: train for fitting, val for choosing the epoch; test and unsplit materials never seen',
        },
        'training': {'script': 'training/oxidation_prior.py', 'epochs': args.epochs, 'hidden': args.hidden, 'optimizer': f'AdamW lr {args.lr} wd 1e-3, cosine', 'seed': 0},
        'metrics': report,
        'probe': {'features': probe_x.tolist(), 'probabilities': probe_p.tolist()},
    }
    with open(os.path.join(args.out, 'cu-k.json'), 'w') as f:
        json.dump(sidecar, f, indent=1)
    print(onnx_path)


if __name__ == '__main__':
    sys.exit(main())
