"""Object checks that run before an endpoint reads its request body."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


def before_body(check: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Run ``check(**view_args)`` (a lookup that aborts with 404/403) before the body is validated.

    Placed above ``@bp.arguments``, so a caller who may not see the object learns nothing from a 422
    about a body it should never have been able to send.
    """
    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check(**kwargs)
            return view(*args, **kwargs)
        return wrapper
    return decorator
