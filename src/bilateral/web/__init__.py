"""The dashboard (``bilateral serve``): a FastAPI app over the analysis layer, read-only.

    from bilateral.web import create_app
    app = create_app("russia-japan")      # serve with uvicorn on 127.0.0.1

Pages render :class:`bilateral.Analysis` results; live negotiation runs call
:func:`bilateral.analysis.negotiation.simulation` on a bounded worker pool.
"""

from bilateral.web.app import create_app

__all__ = ["create_app"]
