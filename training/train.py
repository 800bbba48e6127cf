"""Train the Cu K-edge spectrum model on the bundled OmniXAS FEFF catalogue and export it to ONNX.

    /usr/bin/python3 training/train.py                      # the committed model (models/), ~8 min on 2 cores
    /usr/bin/python3 training/train.py --materials 150 --members 2 --max-epochs 5 --out /tmp/m   # smoke run

Splits are OmniXAS's own (the `split` of each site in seed/omnixas-cu-feff): train on `train`, early stopping
and σ calibration on `val`, every reported number on `test` (never trained on). Sites without a split are not used.
η = MSE(predicting the train-mean spectrum) / MSE(model), on test sites (notes: structure-to-spectrum.md §1.4).
"""
import argparse
import datetime
import hashlib
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from data import SEED, energy_grid, load_sites
from descriptor import DEFAULT_PARAMS, dimension
from model import Ensemble, Member

GRID = {"start": 8989.0, "step": 0.5, "points": 271}  # inside every seed spectrum's range (8988.7 … 9124.1 eV)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "models"))
    p.add_argument("--name", default="cu-k-feff-wacsf")
    p.add_argument("--version", default="1.0.0")
    p.add_argument("--materials", type=int, default=None, help="use only the first N materials (smoke runs)")
    p.add_argument("--members", type=int, default=5)
    p.add_argument("--hidden", default="512,512")
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--weight-decay", type=float, default=1e-3)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--max-epochs", type=int, default=100)
    p.add_argument("--patience", type=int, default=30)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="torch threads (1 keeps runs bit-reproducible)")
    p.add_argument("--skip-baselines", action="store_true")
    return p.parse_args(argv)


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def scalers(x, y, log_compress):
    """Standardisation constants. A descriptor value that barely varies in training gets a floor on its spread
    (1 % of its typical size, at least 1e-2), so float32 rounding cannot be amplified into the prediction."""
    xc = np.sign(x) * np.log1p(np.abs(x)) if log_compress else x
    floor = np.maximum(1e-2 * np.abs(xc).mean(0), 1e-2)
    return xc.mean(0), np.maximum(xc.std(0), floor), y.mean(0), np.maximum(y.std(0), 1e-6)


def train_member(x_train, y_train, x_val, y_val, scale, hidden, args, seed, log_compress=True):
    """One member: AdamW, cosine learning rate, best-on-val weights kept, stop after `patience` epochs without gain."""
    torch.manual_seed(seed)
    x_mean, x_std, y_mean, y_std = scale
    wrap = Ensemble([], x_mean, x_std, y_mean, y_std, 1.0, log_compress)
    member = Member(x_train.shape[1], y_train.shape[1], hidden, args.dropout)
    zt = wrap.standardise(torch.tensor(x_train, dtype=torch.float32))
    zv = wrap.standardise(torch.tensor(x_val, dtype=torch.float32))
    yt = (torch.tensor(y_train, dtype=torch.float32) - wrap.y_mean) / wrap.y_std
    yv = torch.tensor(y_val, dtype=torch.float32)
    opt = torch.optim.AdamW(member.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.max_epochs)
    best, best_state, best_epoch = float("inf"), None, -1
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(args.max_epochs):
        member.train()
        order = torch.randperm(len(zt), generator=generator)
        for i in range(0, len(zt), args.batch):
            batch = order[i : i + args.batch]
            opt.zero_grad()
            loss = ((member(zt[batch]) - yt[batch]) ** 2).mean()
            loss.backward()
            opt.step()
        schedule.step()
        member.eval()
        with torch.no_grad():
            val_mse = float((((member(zv) * wrap.y_std + wrap.y_mean) - yv) ** 2).mean())
        if val_mse < best:
            best, best_epoch = val_mse, epoch
            best_state = {k: v.clone() for k, v in member.state_dict().items()}
        elif epoch - best_epoch >= args.patience:
            break
    member.load_state_dict(best_state)
    member.eval()
    round_weights_to_half(member)
    return member, {"bestEpoch": best_epoch, "epochsRun": epoch + 1, "valMse": best}


def round_weights_to_half(module):
    """Round every weight to the nearest float16 value: the ONNX file stores them so (half the size), and every
    number reported is computed with exactly those weights."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(p.half().float())


def store_weights_as_half(path, min_size=1024):
    """Rewrite the ONNX file with large float32 initializers stored as float16 plus a Cast back to float32, so the
    graph computes in float32 with the rounded weights (identical to PyTorch after round_weights_to_half)."""
    model = onnx.load(str(path))
    graph = model.graph
    casts = []
    for init in list(graph.initializer):
        if init.data_type == TensorProto.FLOAT and int(np.prod(init.dims)) >= min_size:
            half = numpy_helper.from_array(numpy_helper.to_array(init).astype(np.float16), init.name + "_float16")
            graph.initializer.remove(init)
            graph.initializer.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT))
    for node in reversed(casts):
        graph.node.insert(0, node)
    onnx.checker.check_model(model)
    onnx.save(model, str(path))


def predict(ensemble, x):
    with torch.no_grad():
        mean, std = ensemble(torch.tensor(x, dtype=torch.float32))
    return mean.numpy().astype(np.float64), std.numpy().astype(np.float64)


def calibrate(y, mean, std):
    """One factor s so that 95 % of validation points lie within ±2sσ (notes §4)."""
    ratio = np.abs(y - mean) / np.maximum(2.0 * std, 1e-12)
    return float(np.quantile(ratio, 0.95))


def metrics(y, mean, train_mean, std=None):
    mse = float(((y - mean) ** 2).mean())
    baseline = float(((y - train_mean) ** 2).mean())
    relative = np.linalg.norm(y - mean, axis=1) / np.linalg.norm(y, axis=1)
    out = {"sites": int(len(y)), "eta": baseline / mse, "mse": mse, "meanSpectrumMse": baseline, "medianRelativeError": float(np.median(relative))}
    if std is not None:
        out["coverage2Sigma"] = float((np.abs(y - mean) <= 2.0 * std).mean())
        out["meanSigma"] = float(std.mean())
    return out


def export_onnx(ensemble, dim, path):
    ensemble.eval()
    torch.onnx.export(
        ensemble,
        torch.zeros(1, dim, dtype=torch.float32),
        str(path),
        opset_version=17,
        input_names=["descriptor"],
        output_names=["mean", "std"],
        dynamic_axes={"descriptor": {0: "sites"}, "mean": {0: "sites"}, "std": {0: "sites"}},
    )


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def main(argv):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    np.random.seed(args.seed)
    hidden = [int(h) for h in args.hidden.split(",")]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    params = dict(DEFAULT_PARAMS)
    dim = dimension(params)
    grid = energy_grid(GRID)

    started = time.time()
    log(f"featurising {SEED.name} (descriptor {dim} values per site)")
    x, y, split, material, site = load_sites(params, grid, limit=args.materials)
    parts = {name: split == name for name in ("train", "val", "test")}
    for name, mask in parts.items():
        if mask.sum() == 0:
            sys.exit(f"no {name} sites in the first {args.materials} materials: use more")
    log(f"{len(x)} sites: " + ", ".join(f"{k} {int(m.sum())}" for k, m in parts.items()) + f" ({time.time() - started:.0f} s)")
    tr, va, te = parts["train"], parts["val"], parts["test"]
    train_mean = y[tr].mean(0)

    baselines = {"meanSpectrum": {"test": metrics(y[te], np.broadcast_to(train_mean, y[te].shape), train_mean)}}
    if not args.skip_baselines:
        # XANESNET 2022's recipe: its 97 values (G1, G2·Z, G4·Z), standardised, one 2×512 ReLU MLP, no dropout.
        cols = list(range(1 + params["nG2"])) + list(range(1 + params["nG2"] * len(params["g2Weights"]), 1 + params["nG2"] * len(params["g2Weights"]) + params["nG4"]))
        plain = argparse.Namespace(**{**vars(args), "dropout": 0.0, "weight_decay": 1e-4})
        scale = scalers(x[tr][:, cols], y[tr], log_compress=False)
        member, info = train_member(x[tr][:, cols], y[tr], x[va][:, cols], y[va], scale, [512, 512], plain, args.seed + 1000, log_compress=False)
        single = Ensemble([member], *scale, 1.0, log_compress=False)
        mean, _ = predict(single, x[te][:, cols])
        baselines["wacsf97Mlp"] = {"test": metrics(y[te], mean, train_mean), "training": info}
        log(f"baseline wACSF-97 MLP: test η {baselines['wacsf97Mlp']['test']['eta']:.2f} ({info['epochsRun']} epochs)")

    scale = scalers(x[tr], y[tr], log_compress=True)
    members, histories = [], []
    for m in range(args.members):
        member, info = train_member(x[tr], y[tr], x[va], y[va], scale, hidden, args, args.seed + m)
        members.append(member)
        histories.append(info)
        single = Ensemble([member], *scale, 1.0)
        log(f"member {m + 1}/{args.members}: best epoch {info['bestEpoch']}, val η {metrics(y[va], predict(single, x[va])[0], train_mean)['eta']:.2f}")

    ensemble = Ensemble(members, *scale, 1.0)
    val_mean, val_std = predict(ensemble, x[va])
    std_scale = calibrate(y[va], val_mean, val_std)
    ensemble.std_scale.fill_(std_scale)
    results = {"val": metrics(y[va], *predict(ensemble, x[va])[:1], train_mean, predict(ensemble, x[va])[1])}
    test_mean, test_std = predict(ensemble, x[te])
    results["test"] = metrics(y[te], test_mean, train_mean, test_std)
    log(f"ensemble of {args.members}: σ scale {std_scale:.3f}; test η {results['test']['eta']:.2f}, MSE {results['test']['mse']:.3e}, "
        f"median relative error {results['test']['medianRelativeError']:.4f}, ±2σ coverage {results['test']['coverage2Sigma']:.3f}")

    onnx_path = out / f"{args.name}.onnx"
    export_onnx(ensemble, dim, onnx_path)
    store_weights_as_half(onnx_path)

    # ONNX ↔ PyTorch parity inputs: a few test sites, as the float32 values the served model receives.
    pick = np.nonzero(te)[0][:16]
    probe = x[pick].astype(np.float32)
    probe_mean, probe_std = predict(ensemble, probe)
    (out / f"{args.name}.parity.json").write_text(json.dumps({
        "model": f"{args.name}.onnx", "sites": [f"{material[i]}-site{site[i]}" for i in pick],
        "descriptor": probe.astype(np.float64).tolist(), "mean": probe_mean.tolist(), "std": probe_std.tolist(),
    }))

    sidecar = {
        "name": args.name,
        "version": args.version,
        "file": onnx_path.name,
        "sha256": sha256(onnx_path),
        "absorbingElement": "Cu",
        "edge": "K",
        "spectrumType": "XANES",
        "fidelity": "FEFF",
        "energies": grid.tolist(),
        "energyGrid": GRID,
        "descriptor": {**params, "dimension": dim},
        "inputs": {"descriptor": ["sites", dim]},
        "outputs": {"mean": ["sites", len(grid)], "std": ["sites", len(grid)]},
        "ensemble": {"members": args.members, "hidden": hidden, "dropout": args.dropout, "stdScale": std_scale, "scaling": "sign·log1p, then standardised (in the graph)"},
        "training": {
            "data": "seed/omnixas-cu-feff/materials.jsonl.gz (OmniXAS Cu K-edge FEFF 9.9.1, BSD-3; structures from the Materials Project, CC BY 4.0)",
            "split": {k: int(m.sum()) for k, m in parts.items()},
            "materialsLimit": args.materials,
            "seed": args.seed,
            "optimizer": {"name": "AdamW", "lr": args.lr, "weightDecay": args.weight_decay, "batch": args.batch, "maxEpochs": args.max_epochs, "patience": args.patience},
            "members": histories,
            "command": "/usr/bin/python3 training/train.py " + " ".join(argv),
            "torch": torch.__version__,
            "numpy": np.__version__,
            "python": platform.python_version(),
            "seconds": round(time.time() - started, 1),
            "createdAt": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        },
        "metrics": {**results, "baselines": baselines},
    }
    (out / f"{args.name}.json").write_text(json.dumps(sidecar, indent=1) + "\n")
    log(f"wrote {onnx_path} ({onnx_path.stat().st_size / 1e6:.1f} MB), its sidecar and parity probe in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
