"""The explorer's embedding space: the vocabulary's vectors projected to 2-D (principal components), with the
share of the spread the two axes keep. Pure Plotly, no Streamlit. (The step views are the player's:
plots/player.py and ui/components/explorer_player/.)
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from visualizer.content import explorer_notes
from visualizer.labs.explorer import embedding
from visualizer.plots.style import HIGHLIGHT, Y_COLOUR, figure, heading, short


def embedding_map(
    vectors: np.ndarray,
    vocab_tokens,
    *,
    highlight: str | None = None,
    title: str = "",
    labelled: set[str] | None = None,
) -> go.Figure:
    """Each token's vector projected onto the two directions of largest variance (PCA), labelled.

    The title claims closeness only when the two axes keep enough of the spread (explorer_notes.embedding_title);
    each axis names the share it keeps.

    Args:
        vectors: (V, dim) one row per vocabulary token (columns of E, or of W_xh for one-hot inputs).
        highlight: the current token, drawn in orange.
        labelled: tokens to write beside their point (all when None); the others show on hover.
    """
    proj = embedding.project(vectors)
    xy, share = proj.xy, proj.share  # (V, 2), (2,)
    labels = [short(t) for t in vocab_tokens]
    shown = [lab if labelled is None or t in labelled else "" for t, lab in zip(vocab_tokens, labels)]
    data = [
        dict(
            type="scatter",
            x=xy[:, 0],
            y=xy[:, 1],
            mode="markers+text",
            text=shown,
            hovertext=labels,
            textposition="top center",
            marker=dict(size=10, color=[HIGHLIGHT if t == highlight else Y_COLOUR for t in vocab_tokens]),
            hovertemplate="%{hovertext}<extra></extra>",
        )
    ]
    return figure(
        data,
        dict(
            title=heading(title or explorer_notes.embedding_title(proj.kept)),
            height=340,
            margin=dict(l=50, r=20, t=50, b=50),
            xaxis=dict(title=heading(f"direction 1 ({100 * share[0]:.0f} % of the spread)"), zeroline=False),
            yaxis=dict(title=heading(f"direction 2 ({100 * share[1]:.0f} % of the spread)"), zeroline=False),
            showlegend=False,
            plot_bgcolor="white",
        ),
    )


# ---------------------------------------------------------------------------- number series
