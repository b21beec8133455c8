"""Figures drawn once and repainted by blitting: only what moves is drawn again over the saved
background, so a redraw costs milliseconds. Drawing a figure costs a second on this machine,
so each one is shared by every browser session that shows the same background (a page load
after the first builds none); a lock makes the sessions take turns on it.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

KEPT = 24  # shared figures kept, the least recently used dropped: 4–7 MB each (canvas, background)
_shared: OrderedDict[Hashable, object] = OrderedDict()
_shared_lock = threading.Lock()


class Blit:
    """A figure whose `moving` artists are left out of the saved background."""

    def __init__(self, figure: Figure, moving: Iterable[Artist]) -> None:
        self.figure = figure
        self.moving = list(moving)
        for artist in self.moving:
            artist.set_animated(True)
        self.canvas = FigureCanvasAgg(figure)
        self.canvas.draw()
        self.background = self.canvas.copy_from_bbox(figure.bbox)
        self.lock = threading.Lock()

    def png(self, update: Callable[[], None]) -> bytes:
        """Let `update` set the moving artists' data, draw them over the background, encode."""
        with self.lock:
            self.canvas.restore_region(self.background)
            update()
            for artist in self.moving:
                artist.axes.draw_artist(artist)
            return encode_png(self.canvas)


def shared[T](key: Hashable, build: Callable[[], T]) -> T:
    """The object built for `key`, built once per process."""
    with _shared_lock:
        if key in _shared:
            _shared.move_to_end(key)
            return _shared[key]
    built = build()
    with _shared_lock:
        built = _shared.setdefault(key, built)
        while len(_shared) > KEPT:
            _shared.popitem(last=False)
        return built


def encode_png(canvas: FigureCanvasAgg) -> bytes:
    """The canvas as a 256-colour PNG, fast (the figure itself is not redrawn): a third of
    the bytes of a full-colour one, and quicker to encode, send and decode."""
    from PIL import Image

    buffer = io.BytesIO()
    rgb = Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3])
    rgb.quantize(256, method=Image.Quantize.FASTOCTREE).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()
