"""Figures of the book. Every ``plot_*`` function builds and returns a
:class:`matplotlib.figure.Figure` (no pyplot state), takes an optional ``ax=`` where a single
panel makes sense, and never shows, saves or prints.

The functions live in one submodule per topic and are all re-exported here.
"""

from .animation import *  # noqa: F403
from .animation import __all__ as _animation
from .basics import *  # noqa: F403
from .basics import __all__ as _basics
from .conv import *  # noqa: F403
from .conv import __all__ as _conv
from .dream import *  # noqa: F403
from .dream import __all__ as _dream
from .go import *  # noqa: F403
from .go import __all__ as _go
from .pooling import *  # noqa: F403
from .pooling import __all__ as _pooling
from .receptive import *  # noqa: F403
from .receptive import __all__ as _receptive
from .speech import *  # noqa: F403
from .speech import __all__ as _speech
from .text import *  # noqa: F403
from .text import __all__ as _text
from .training import *  # noqa: F403
from .training import __all__ as _training
from .visualize import *  # noqa: F403
from .visualize import __all__ as _visualize

__all__ = [*_animation, *_basics, *_conv, *_pooling, *_receptive, *_training, *_visualize, *_dream,
           *_go, *_speech, *_text]
