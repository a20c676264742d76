"""RNN Visualizer library, in layers (each imports only the ones above it):

- ``visualizer.nn``: the networks in pure NumPy — cells behind one contract, their exact backward passes, optimisers;
- ``visualizer.data``: tokenising and encoding, the corpus, safe .npz loading, model files, the shipped models;
- ``visualizer.labs``: pure results per teaching lab (explorer, gradients, sequences, memory proof, long lags, training);
- ``visualizer.content``: the sentences a student reads that the labs' numbers are turned into;
- ``visualizer.plots``: pure figure builders (Plotly and Altair) over the labs' results;
- ``visualizer.ui``: the Streamlit views, one module per page. Only this package imports Streamlit.

``visualizer.state`` is the one table of shareable settings and its URL round trip, ``visualizer.settings``
the one typed ``Settings`` built on it, and ``visualizer.pages`` the one table of pages (app.py registers it). Importing the library puts
BLAS on one thread in every process (the one place that does: ``_one_blas_thread`` below).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ASSETS = ROOT / "assets"


def _one_blas_thread() -> None:
    """BLAS on one thread in every process that uses this library (server, workers, tests, tools).

    The matrices here are small (H <= 512): a multi-threaded BLAS only adds hand-offs and busy-waiting
    threads. Measured on the 2-core machine: the SVD behind the explorer's embedding map (129 x 48)
    takes 11 ms with OpenBLAS's default threads and 0.4 ms on one, and a server full of sessions
    contends for the same cores. Before NumPy loads, the environment decides; after, threadpoolctl.
    """
    import os
    import sys

    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    if "numpy" in sys.modules:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:  # pragma: no cover - threadpoolctl is in requirements.txt
            return
        threadpool_limits(limits=1, user_api="blas")


_one_blas_thread()
