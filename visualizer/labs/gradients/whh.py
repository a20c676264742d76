"""The recurrent matrix W_hh on its own: its spectrum, its norm, and the edits the gradients lab offers.

    spectral radius     rho(W)      = max |lambda_i(W)|        the long-run growth of W^k: ||W^k||^(1/k) -> rho
    largest sing. value sigma_max(W) = ||W||_2 = max ||W v|| / ||v||   the most one step can stretch a vector

rho <= sigma_max always, with equality for every normal matrix (W W^T = W^T W: symmetric, orthogonal,
...). A random W_hh is non-normal, so sigma_max > rho: a vector can grow for a few steps although every
eigenvalue shrinks it in the long run. `non_normality` measures the gap as ||W W^T - W^T W||_F / ||W||_F^2.

Edits (each returns a new matrix):
    rescale         W * target / rho(W) or W * target / sigma_max(W)
    orthogonalise   U V^T from W = U S V^T: the orthogonal matrix nearest to W (rho = sigma_max = 1)
    symmetrise      (W + W^T) / 2: normal, so rho = sigma_max

A hand-edited matrix travels in the URL as `encode(W)`: its entries row by row, URL_DIGITS (10) significant
digits, joined by '_' (a character URLs leave as it is), e.g. [[2, 2], [-2, -2]] -> "2_2_-2_-2". Ten digits,
not fewer: an edit's defining property must survive the link within the page's 1e-9 tolerance
(content.gradient_claims): orthogonalise's output rounded to 4 digits has rho = 1.00003 < sigma_max = 1.00007.
Pure NumPy: no Streamlit here.
"""

from __future__ import annotations

import math

import numpy as np

from visualizer.nn.rnn import spectral_radius

RKINDS = ("spectral", "singular")  # what a target scale sets: max |eigenvalue| or max singular value
MAX_EDIT = 8  # largest H whose W_hh can be edited by hand (and shared in a URL)
MAX_ENTRY = 100.0  # larger entries are refused: they only overflow
SEP = "_"
URL_DIGITS = 10  # significant digits per entry in the URL form: rounding stays ~1e-10 relative, under 1e-9


def sigma_max(W: np.ndarray) -> float:
    """Largest singular value ||W||_2 (inf when W is not finite)."""
    if not np.all(np.isfinite(W)):
        return float("inf")
    return float(np.linalg.norm(W, 2)) if W.size else 0.0


def eigenvalues(W: np.ndarray) -> np.ndarray:
    """Complex eigenvalues of a square matrix, (H,)."""
    return np.linalg.eigvals(W)


def non_normality(W: np.ndarray) -> float:
    """||W W^T - W^T W||_F / ||W||_F^2: 0 for a normal matrix (then rho = sigma_max), larger when they part."""
    scale = float(np.sum(W * W))
    if scale == 0.0 or not np.isfinite(scale):
        return 0.0
    return float(np.linalg.norm(W @ W.T - W.T @ W) / scale)


def rescale(W: np.ndarray, target: float, kind: str = "spectral") -> np.ndarray:
    """W scaled so its spectral radius (kind='spectral') or sigma_max ('singular') equals target.

    A matrix whose chosen measure is 0 (the zero matrix; a nilpotent one for 'spectral') cannot be
    scaled to anything else and comes back unchanged.
    """
    if kind not in RKINDS:
        raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(RKINDS)}")
    current = spectral_radius(W) if kind == "spectral" else sigma_max(W)
    return W * (target / current) if current > 1e-12 * max(1.0, float(np.max(np.abs(W)))) else W


def orthogonalise(W: np.ndarray) -> np.ndarray:
    """The orthogonal matrix nearest to W in the Frobenius norm: U V^T from the SVD W = U S V^T."""
    U, _, Vt = np.linalg.svd(W)
    return U @ Vt


def symmetrise(W: np.ndarray) -> np.ndarray:
    """(W + W^T) / 2, the nearest symmetric matrix: normal, so its rho equals its sigma_max."""
    return (W + W.T) / 2.0


# ---------------------------------------------------------------------------- URL form


def _fmt(x: float) -> str:
    s = f"{x:.{URL_DIGITS}g}"
    s = s.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")  # '+' would be escaped in a URL
    return "0" if s in ("-0", "0") else s


def encode(values: np.ndarray) -> str:
    """A matrix (row by row) or a vector as '_'-joined numbers with URL_DIGITS significant digits."""
    return SEP.join(_fmt(float(x)) for x in np.asarray(values, dtype=float).ravel())


def _numbers(text: str) -> list[float]:
    parts = str(text).strip().split(SEP)
    try:
        out = [float(p) for p in parts]
    except ValueError:
        raise ValueError("must be numbers joined by '_'") from None
    if not all(math.isfinite(x) for x in out):
        raise ValueError("must hold finite numbers only")
    if any(abs(x) > MAX_ENTRY for x in out):
        raise ValueError(f"has an entry beyond ±{MAX_ENTRY:g}")
    return out


def decode_matrix(text: str) -> np.ndarray:
    """'2_2_-2_-2' -> [[2, 2], [-2, -2]]; ValueError unless it is a square matrix of side 1..MAX_EDIT."""
    values = _numbers(text)
    H = math.isqrt(len(values))
    if len(values) != H * H or not 1 <= H <= MAX_EDIT:
        raise ValueError(f"must hold H×H numbers for a square W_hh with H from 1 to {MAX_EDIT}")
    return np.array(values, dtype=float).reshape(H, H)


def decode_vector(text: str) -> np.ndarray:
    """'-2_2' -> [-2, 2]; ValueError unless 1..MAX_EDIT finite numbers."""
    values = _numbers(text)
    if not 1 <= len(values) <= MAX_EDIT:
        raise ValueError(f"must hold 1 to {MAX_EDIT} numbers")
    return np.array(values, dtype=float)


def hand_edits(w_text: str, b_text: str, hidden: int) -> tuple[np.ndarray | None, np.ndarray | None, list[str]]:
    """(W_hh or None, b_h or None, notices) from the URL forms of a hand-edited W_hh and b_h.

    The hidden size is W_hh's when one is given, else `hidden`; a malformed part, or a b_h whose
    length does not match, is dropped with a notice (the random W_hh, or b_h = 0, takes its place).
    """
    notices: list[str] = []
    W = b = None
    if w_text:
        try:
            W = decode_matrix(w_text)
        except ValueError as err:
            notices.append(f"The hand-edited W_hh {err}; using the random W_hh.")
    H = hidden if W is None else W.shape[0]
    if b_text:
        try:
            b = decode_vector(b_text)
            if b.size != H:
                raise ValueError(f"has {b.size} numbers but the network has {H} hidden units")
        except ValueError as err:
            b = None
            notices.append(f"The hand-edited b_h {err}; using b_h = 0.")
    return W, b, notices
