"""The documents the engine returns, as Python objects.

Each object keeps the document that 'intdim estimate|scale|profile --format
json' prints (``to_dict()``) and gives its fields as attributes.
"""

import json

from . import _lib


def figure(doc, format="png"):
    """The engine's figure of a document (a dict), as PNG or SVG bytes."""
    data = json.dumps(doc).encode()
    return _lib.call(_lib.lib().intdim_figure, data, len(data), format.encode())


class Figure:
    """PNG or SVG bytes of a figure, shown by notebooks (IPython's _repr_png_, _repr_svg_)."""

    def __init__(self, data, format):
        self.data, self.format = data, format

    def _repr_png_(self):
        return self.data if self.format == "png" else None

    def _repr_svg_(self):
        return self.data.decode() if self.format == "svg" else None

    def __bytes__(self):
        return self.data

    def save(self, path):
        with open(path, "wb") as f:
            f.write(self.data)

    def __repr__(self):
        return f"<intdim figure: {len(self.data)} bytes of {self.format}>"


class MethodResult:
    """One method's result: id, err, lo, hi, and for multi-scale methods scales, ids, errs."""

    def __init__(self, d):
        self._d = d
        self.method = d["method"]
        self.id = d["id"]
        self.err = d.get("err")
        self.lo, self.hi = d.get("lo"), d.get("hi")
        self.scales = d.get("scales")
        self.ids = d.get("ids")
        self.errs = d.get("errs")
        self.spectrum = d.get("spectrum")

    def to_dict(self):
        return dict(self._d)

    def __repr__(self):
        err = "" if self.err is None else f" ± {self.err:.3f}"
        sc = "" if not self.scales else f", {len(self.scales)} scales"
        return f"<{self.method}: ID {self.id:.3f}{err}{sc}>"


class Estimate:
    """The result of intdim.estimate or intdim.scale.

    ``id``, ``err``, ``scales``, ``ids`` and ``errs`` are those of the first
    method (``results[0]``); ``results`` has every method, ``result(name)``
    one by name. The counts (n, n_used, duplicates, dropped, zero_rows) and
    the warnings are the document's.
    """

    def __init__(self, doc):
        self._doc = doc
        self.kind = doc["kind"]
        self.input = doc["input"]
        self.n, self.dim = doc["n"], doc["dim"]
        self.n_used = doc["n_used"]
        self.duplicates = doc["duplicates"]
        self.dropped = doc["dropped"]
        self.zero_rows = doc.get("zero_rows", 0)
        self.seed = doc["seed"]
        self.warnings = list(doc.get("warnings") or [])
        self.results = [MethodResult(r) for r in doc["results"]]
        first = self.results[0]
        self.method, self.id, self.err = first.method, first.id, first.err
        self.scales, self.ids, self.errs = first.scales, first.ids, first.errs

    def result(self, method):
        """The result of one method (KeyError when it did not run)."""
        for r in self.results:
            if r.method == method:
                return r
        raise KeyError(method)

    def to_dict(self):
        """The document 'intdim estimate --format json' (or 'intdim scale') prints, as a dict."""
        return json.loads(json.dumps(self._doc))

    def plot(self, format="png"):
        """The engine's figure of this document (scale: ID against scale; gride: ID against rank; pca: spectrum)."""
        return Figure(figure(self._doc, format), format)

    def __repr__(self):
        rs = ", ".join(repr(r) for r in self.results)
        return (f"<intdim {self.kind} of {self.input}: {self.n} points ({self.n_used} used, "
                f"{self.duplicates} duplicates), dim {self.dim}: {rs}>")


class Profile:
    """The result of intdim.profile: one row per layer, table-like.

    ``layers`` are the document's rows (dicts); ``names``, ``ids``, ``errs``,
    ``pc_ids`` and ``rel_depths`` are its columns; ``failed`` the layers that
    could not be estimated (their id is None and their error is given).
    ``to_dict()`` is the document 'intdim profile --format json' prints,
    ``to_pandas()`` a DataFrame (pandas is optional), ``plot()`` the
    engine's profile figure (ID and PC-ID against relative depth).
    """

    columns = ("index", "name", "rel_depth", "n", "dim", "id", "err", "pc_id", "n_used",
               "duplicates", "dropped", "zero_rows", "warnings", "error")

    def __init__(self, doc):
        self._doc = doc
        self.method, self.seed = doc["method"], doc["seed"]
        self.layers = [dict(l) for l in doc["layers"]]
        for l in self.layers:
            if l.get("error"):
                l["id"] = None
        self.names = [l["name"] for l in self.layers]
        self.ids = [l["id"] for l in self.layers]
        self.errs = [l.get("err") for l in self.layers]
        self.pc_ids = [l.get("pc_id") for l in self.layers]
        self.rel_depths = [l["rel_depth"] for l in self.layers]
        self.failed = [l["name"] for l in self.layers if l.get("error")]

    def __len__(self):
        return len(self.layers)

    def __getitem__(self, key):
        """A layer's row, by position or by name."""
        if isinstance(key, str):
            for l in self.layers:
                if l["name"] == key:
                    return l
            raise KeyError(key)
        return self.layers[key]

    def __iter__(self):
        return iter(self.layers)

    def to_dict(self):
        """The document 'intdim profile --format json' prints, as a dict."""
        return json.loads(json.dumps(self._doc))

    def to_pandas(self):
        """The layers as a pandas DataFrame (pandas must be installed)."""
        try:
            import pandas as pd
        except ImportError as e:
            raise ImportError("intdim: to_pandas needs pandas (pip install pandas)") from e
        return pd.DataFrame([{c: l.get(c) for c in self.columns} for l in self.layers], columns=self.columns)

    def plot(self, format="png"):
        """The engine's profile figure (as 'intdim plot' draws it), PNG or SVG."""
        return Figure(figure(self._doc, format), format)

    def _repr_png_(self):
        try:
            return figure(self._doc, "png")
        except (ValueError, _lib.EngineError):
            return None  # no figure (every layer failed): the text is shown

    def __repr__(self):
        rows = [f"{'layer':>12} {'rel.depth':>9} {'n':>7} {'dim':>7} {'ID':>8} {'PC-ID':>6}"]
        for l in self.layers:
            idv = "failed" if l["id"] is None else f"{l['id']:.2f}"
            pc = "-" if l.get("pc_id") is None else str(l["pc_id"])
            rows.append(f"{l['name']:>12} {l['rel_depth']:>9.2f} {l['n']:>7} {l['dim']:>7} {idv:>8} {pc:>6}")
        return f"<intdim profile ({self.method}, seed {self.seed})>\n" + "\n".join(rows)


class _Doc:
    """A document of the engine: ``to_dict()`` is what the CLI prints with --format json."""

    def __init__(self, doc):
        self._doc = doc

    def to_dict(self):
        """The document the command prints with --format json, as a dict."""
        return json.loads(json.dumps(self._doc))


class Overlap(_Doc):
    """The result of intdim.overlap, as 'intdim overlap --format json'.

    ``overlap`` is the neighbourhood overlap of A and B (None without B):
    the mean over points of the fraction of shared k nearest neighbours
    (DADApy's data overlap; 1: the same neighbourhoods, about k/(N-1):
    unrelated). ``label_overlap`` (class-weighted) and
    ``label_overlap_unweighted`` are A's label overlap (None without
    labels); ``n``, ``k``, ``n_classes`` the counts.
    """

    def __init__(self, doc):
        super().__init__(doc)
        self.a, self.b = doc["a"], doc.get("b")
        self.n, self.k = doc["n"], doc["k"]
        self.overlap = doc.get("overlap")
        self.label_overlap = doc.get("label_overlap")
        self.label_overlap_unweighted = doc.get("label_overlap_unweighted")
        self.n_classes = doc.get("n_classes", 0)

    def __repr__(self):
        parts = []
        if self.overlap is not None:
            parts.append(f"overlap {self.overlap:.4f}")
        if self.label_overlap is not None:
            parts.append(f"label overlap {self.label_overlap:.4f} ({self.n_classes} classes)")
        return f"<intdim overlap of {self.n} points, k = {self.k}: {', '.join(parts)}>"


class Imbalance(_Doc):
    """The result of intdim.imbalance, as 'intdim imbalance --format json'.

    ``delta_ab`` is Δ(A→B), ``delta_ba`` Δ(B→A) (rank 1, DADApy's
    definition): 2/N where the nearest neighbours agree, about 1 where they
    are unrelated; Δ(A→B) small and Δ(B→A) large: A predicts B, not the
    reverse.
    """

    def __init__(self, doc):
        super().__init__(doc)
        self.a, self.b, self.n = doc["a"], doc["b"], doc["n"]
        self.delta_ab, self.delta_ba = doc["delta_ab"], doc["delta_ba"]

    def __repr__(self):
        return f"<intdim imbalance of {self.n} points: Δ(A→B) {self.delta_ab:.4f}, Δ(B→A) {self.delta_ba:.4f}>"


class Local(_Doc):
    """The result of intdim.local, as 'intdim local --format json', with the values.

    ``ids`` is the ID of every point (a float64 NumPy array of N values,
    what ``intdim local --out`` writes; 0 or non-finite where a duplicate
    neighbour makes it so). ``mean`` and ``median`` are over the finite
    values, ``global_id`` combines all of them (None when not finite),
    ``n_zero`` and ``n_nonfinite`` count the others.
    """

    def __init__(self, doc, ids):
        super().__init__(doc)
        self.ids = ids
        self.input, self.n, self.k, self.method = doc["input"], doc["n"], doc["k"], doc["method"]
        self.mean, self.median, self.global_id = doc["mean"], doc["median"], doc.get("global")
        self.n_zero, self.n_nonfinite = doc["n_zero"], doc["n_nonfinite"]

    def __len__(self):
        return len(self.ids)

    def __repr__(self):
        return (f"<intdim local ({self.method}, k = {self.k}) of {self.n} points: mean {self.mean:.3f}, "
                f"median {self.median:.3f}>")
