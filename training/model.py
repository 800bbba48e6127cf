"""The spectrum model: an MLP per ensemble member, and one exportable graph holding the whole ensemble.

Deep ensembles for uncertainty: Lakshminarayanan et al., NeurIPS 2017; for XANES, Ghose et al., Phys. Rev.
Research 5, 013180 (2023). Descriptor scaling (sign·log1p, then standardisation) lives inside the graph so that
the served model takes the raw descriptor.
"""
import torch
from torch import nn


class Member(nn.Module):
    """MLP on the standardised descriptor → standardised spectrum: [Linear → ReLU → Dropout]×k → Linear."""

    def __init__(self, n_in, n_out, hidden, dropout):
        super().__init__()
        layers, width = [], n_in
        for h in hidden:
            layers += [nn.Linear(width, h), nn.ReLU()]
            if dropout > 0:
                layers.append(nn.Dropout(dropout))
            width = h
        layers.append(nn.Linear(width, n_out))
        self.net = nn.Sequential(*layers)

    def forward(self, z):
        return self.net(z)


def compress(x):
    """sign(x)·log(1 + |x|): tames the descriptor's dynamic range (notes §3.1: η 1.59 → 1.75 on Cu).

    Written as log(1 + |x|), not log1p, because that is what the ONNX graph computes (ONNX has no Log1p)."""
    return torch.sign(x) * torch.log(1.0 + torch.abs(x))


class Ensemble(nn.Module):
    """Raw descriptor (n, D) → mean (n, E) and calibrated std (n, E) over the members, in the spectrum's units."""

    def __init__(self, members, x_mean, x_std, y_mean, y_std, std_scale, log_compress=True):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.register_buffer("x_mean", torch.as_tensor(x_mean, dtype=torch.float32))
        self.register_buffer("x_std", torch.as_tensor(x_std, dtype=torch.float32))
        self.register_buffer("y_mean", torch.as_tensor(y_mean, dtype=torch.float32))
        self.register_buffer("y_std", torch.as_tensor(y_std, dtype=torch.float32))
        self.register_buffer("std_scale", torch.tensor(float(std_scale), dtype=torch.float32))
        self.log_compress = log_compress

    def standardise(self, x):
        if self.log_compress:
            x = compress(x)
        return (x - self.x_mean) / self.x_std

    def members_output(self, x):
        z = self.standardise(x)
        return torch.stack([m(z) for m in self.members], 0) * self.y_std + self.y_mean

    def forward(self, descriptor):
        outputs = self.members_output(descriptor)
        mean = outputs.mean(0)
        spread = torch.sqrt(((outputs - mean) ** 2).mean(0))
        return mean, spread * self.std_scale
