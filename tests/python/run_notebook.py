"""Execute a notebook with nbclient (Debian's python3-nbclient) and print, as JSON, what each code cell output.

usage: run_notebook.py <notebook.ipynb> <executed.ipynb> <working folder>
The kernel is /usr/bin/python3's (kernel "python3"); it inherits this process's environment (XASGRAPH_URL, …).
A cell that raises stops the run: nbclient's CellExecutionError, printed with the cell's traceback, exit 1.
"""
import base64
import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def main() -> None:
    source, executed, folder = sys.argv[1:4]
    notebook = nbformat.read(source, as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": folder}}).execute()
    nbformat.write(notebook, executed)
    figures = Path(executed).with_suffix("")
    figures.mkdir(exist_ok=True)
    cells = []
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        outputs = []
        for number, output in enumerate(cell.outputs):
            data = output.get("data", {})
            kinds = [output["output_type"]] + sorted(data)
            if "image/png" in data:
                png = figures / f"cell{index:02d}-{number}.png"
                png.write_bytes(base64.b64decode(data["image/png"]))
                kinds.append(str(png))
            outputs.append(kinds)
        cells.append({"index": index, "tags": cell.metadata.get("tags", []), "outputs": outputs})
    print(json.dumps(cells))


if __name__ == "__main__":
    main()
