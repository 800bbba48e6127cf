"""Write the ENSEMBLE method's two ONNX graphs (no weights) into src/spectra/ensemble/.

ONNX Runtime's GEMM (MLAS) runs these inner products ~10-20x faster than a JavaScript loop
(src/spectra/ensemble/rank.ts; the graphs are opened by src/spectra/ensemble/onnx-graphs.ts).

screen.onnx -- every reference's low-rank coordinates times the query's at each coarse shift, best shift, k best:
  inputs   projected float32 [N, R]   the references' coordinates (PreparedReferences.projected)
           basis     float32 [R, W]   the projection basis of the main window (PreparedReferences.basis)
           slices    float32 [W, C]   the query's main-window slices, not centred (the basis rows sum to zero)
           scale     float32 [C]      1 / the norm of each centred slice
           columns   int64   [S]      the slices screened (coarse shifts, unstretched)
           bias      float32 [N]      0, or -inf for a reference left out (unusable, not a candidate)
           k         int64   [1]      how many to keep (<= N)
  outputs  scores    float32 [k]      best score over the S slices + bias (ties: lower index first; not sorted)
           indices   int64   [k]      reference indices
           shifts    int64   [k]      position in `columns` of each one's best slice (first of equal ones)

correlate.onnx -- chosen rows of a window matrix times the query's slices at every shift and stretch:
  inputs   rows      float32 [F, W]   the chosen references' mean-centred unit rows of one window (gathered by the
                                      caller: sending the whole matrix costs time in proportion to its size)
           slices    float32 [W, S]   the query's slices, one column per (stretch, shift), not centred: a centred row
                                      has zero sum, so its dot product with a slice ignores the slice's mean
           scale     float32 [S]      1 / the norm of each centred slice (0 for a flat one)
  outputs  corr      float32 [F, S]   Pearson correlations

Run: /usr/bin/python3 training/ensemble_graphs.py [out-dir]   (deterministic bytes; tests/unit/ensemble-screen.test.ts checks)
"""
import os
import sys

import onnx
from onnx import TensorProto, helper

OUT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src', 'spectra', 'ensemble')
tensor = helper.make_tensor_value_info


def model(graph: onnx.GraphProto) -> onnx.ModelProto:
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)], producer_name='xasgraph training/ensemble_graphs.py')
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


def screen() -> onnx.ModelProto:
    nodes = [
        helper.make_node('Gather', ['slices', 'columns'], ['chosen_slices'], axis=1),
        helper.make_node('Gather', ['scale', 'columns'], ['chosen_scale'], axis=0),
        helper.make_node('MatMul', ['basis', 'chosen_slices'], ['raw_queries']),
        helper.make_node('Mul', ['raw_queries', 'chosen_scale'], ['queries']),
        helper.make_node('MatMul', ['projected', 'queries'], ['scores_by_shift']),
        helper.make_node('ReduceMax', ['scores_by_shift'], ['best'], axes=[1], keepdims=0),
        helper.make_node('ArgMax', ['scores_by_shift'], ['best_shift'], axis=1, keepdims=0),
        helper.make_node('Add', ['best', 'bias'], ['biased']),
        helper.make_node('TopK', ['biased', 'k'], ['scores', 'indices'], axis=0, largest=1, sorted=0),
        helper.make_node('Gather', ['best_shift', 'indices'], ['shifts'], axis=0),
    ]
    return model(helper.make_graph(
        nodes,
        'ensemble_screen',
        [
            tensor('projected', TensorProto.FLOAT, ['N', 'R']),
            tensor('basis', TensorProto.FLOAT, ['R', 'W']),
            tensor('slices', TensorProto.FLOAT, ['W', 'C']),
            tensor('scale', TensorProto.FLOAT, ['C']),
            tensor('columns', TensorProto.INT64, ['S']),
            tensor('bias', TensorProto.FLOAT, ['N']),
            tensor('k', TensorProto.INT64, [1]),
        ],
        [
            tensor('scores', TensorProto.FLOAT, ['K']),
            tensor('indices', TensorProto.INT64, ['K']),
            tensor('shifts', TensorProto.INT64, ['K']),
        ],
    ))


def correlate() -> onnx.ModelProto:
    nodes = [
        helper.make_node('MatMul', ['rows', 'slices'], ['dots']),
        helper.make_node('Mul', ['dots', 'scale'], ['corr']),
    ]
    return model(helper.make_graph(
        nodes,
        'ensemble_correlate',
        [
            tensor('rows', TensorProto.FLOAT, ['F', 'W']),
            tensor('slices', TensorProto.FLOAT, ['W', 'S']),
            tensor('scale', TensorProto.FLOAT, ['S']),
        ],
        [tensor('corr', TensorProto.FLOAT, ['F', 'S'])],
    ))


if __name__ == '__main__':
    out_dir = sys.argv[1] if len(sys.argv) > 1 else OUT_DIR
    for name, build in (('screen.onnx', screen), ('correlate.onnx', correlate)):
        path = os.path.join(out_dir, name)
        with open(path, 'wb') as f:
            f.write(build().SerializeToString())
        print(path)
