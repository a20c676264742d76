"""Figure specs computed once: a figure shown again costs no second serialisation.

Showing a Plotly figure turns it into its JSON spec: Plotly's ``to_dict`` deep-copies every
property and base64-encodes every array (~1 ms for a step figure, tens of ms for an animated one
with frames), then the dict is written as JSON. A figure that many sessions show — built once and
kept by a resource cache, like the explorer's animated fold — paid that on every page open.

- ``frozen(fig)`` keeps the spec of a figure object for as long as the object lives (a figure is
  treated as immutable once shown): the second and every later showing reuse it.
- ``keyed(key, build)`` keeps specs by a hashable description of the figure's inputs, across
  sessions, in a bounded LRU: ``build()`` runs only on a miss.

Both return a ``FrozenFigure``: a Plotly figure type whose ``to_dict()`` hands out the stored spec
(a shallow copy), which is what a renderer (Streamlit's st.plotly_chart) asks a figure for. Only
``to_dict`` is meant to be used on it. ``transform`` (e.g. presenter-mode font scaling) runs on a
copy of the spec, never on the stored one. Pure Plotly; no Streamlit.
"""

from __future__ import annotations

import copy
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import plotly.graph_objects as go

Spec = dict[str, Any]
MAX_KEYED = 256  # specs of small figures are a few KB; bounded so a lecture hall cannot grow it


class FrozenFigure(go.Figure):
    """A figure standing for a stored spec: ``to_dict()`` returns it without recomputing anything."""

    def __init__(self, spec: Spec):  # no BaseFigure.__init__: nothing to validate or copy
        object.__setattr__(self, "_frozen_spec", spec)

    def to_dict(self) -> Spec:
        spec = self._frozen_spec  # type: ignore[attr-defined]
        return {k: (list(v) if isinstance(v, list) else v) for k, v in spec.items()}

    def to_plotly_json(self) -> Spec:
        return self.to_dict()

    @property
    def spec(self) -> Spec:
        return self._frozen_spec  # type: ignore[attr-defined]


def spec_of(fig: go.Figure, template: dict | None = None) -> Spec:
    """fig.to_dict(), with the layout's template replaced by `template` when one is given."""
    spec = fig.to_dict()
    if template is not None and spec.get("layout", {}).get("template") != template:
        spec["layout"] = {**spec.get("layout", {}), "template": template}
    return spec


_by_object: dict[int, tuple[weakref.ref, Spec]] = {}
_by_key: OrderedDict[Hashable, Spec] = OrderedDict()
_lock = threading.Lock()


def frozen(fig: go.Figure, *, template: dict | None = None, transform: Callable[[Spec], Spec] | None = None):
    """A FrozenFigure for `fig`, its spec computed on the first call for this object only."""
    if isinstance(fig, FrozenFigure):
        spec = fig.spec
    else:
        entry = _by_object.get(id(fig))
        if entry is not None and entry[0]() is fig:
            spec = entry[1]
        else:
            spec = spec_of(fig, template)
            key = id(fig)
            _by_object[key] = (weakref.ref(fig), spec)
            weakref.finalize(fig, _by_object.pop, key, None)
    return FrozenFigure(transform(copy.deepcopy(spec)) if transform else spec)


def keyed(
    key: Hashable,
    build: Callable[[], go.Figure],
    *,
    template: dict | None = None,
    transform: Callable[[Spec], Spec] | None = None,
):
    """A FrozenFigure for the figure `build()` makes; stored by `key`, so `build` runs only on a miss."""
    with _lock:
        spec = _by_key.get(key)
        if spec is not None:
            _by_key.move_to_end(key)
    if spec is None:
        spec = spec_of(build(), template)
        with _lock:
            _by_key[key] = spec
            while len(_by_key) > MAX_KEYED:
                _by_key.popitem(last=False)
    return FrozenFigure(transform(copy.deepcopy(spec)) if transform else spec)


def cache_sizes() -> tuple[int, int]:
    """(specs kept by object, specs kept by key)."""
    return len(_by_object), len(_by_key)
