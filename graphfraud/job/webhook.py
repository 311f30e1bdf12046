"""POST each alert to a webhook, retrying what may pass on a later try.

One request per alert, JSON body, with the alert id as ``Idempotency-Key``
(and ``X-Graphfraud-Alert-Id``): delivery is at least once — a run killed
after the receiver took an alert but before the run recorded it sends that
alert again — so receivers drop a key they have seen.

Connection errors, timeouts, HTTP 408, 429 and 5xx are retried up to
``retries`` times, waiting ``backoff`` seconds, then twice as long each time
(at most ``max_delay``; a ``Retry-After`` in seconds is honoured up to that
cap). Any other answer (a 4xx: bad URL, refused credentials) will not pass on
a later try and fails at once. Logs name the host only: webhook URLs often
carry an access token.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from graphfraud import __version__
from graphfraud.errors import DeliveryError
from graphfraud.job.config import WebhookConfig

RETRY_STATUS = {408, 429}


def host_of(url: str) -> str:
    """Scheme and host of the URL, without credentials, path or query (which may hold a token)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")


def _retry_after(error: urllib.error.HTTPError) -> float | None:
    value = error.headers.get("Retry-After") if error.headers else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def post(alert: dict[str, Any], config: WebhookConfig, sleep: Callable[[float], None] = time.sleep) -> int:
    """Deliver one alert; return the number of attempts it took, or raise DeliveryError."""
    body = json.dumps(alert, ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": f"graphfraud/{__version__}",
               "Idempotency-Key": alert["alert_id"], "X-Graphfraud-Alert-Id": alert["alert_id"], **config.headers}
    delay = config.backoff
    last = ""
    for attempt in range(1, config.retries + 2):
        wait = delay
        try:
            request = urllib.request.Request(config.url, data=body, headers=headers, method="POST")
            with urllib.request.urlopen(request, timeout=config.timeout) as response:
                response.read()
            return attempt
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            if exc.code not in RETRY_STATUS and exc.code < 500:
                raise DeliveryError(f"webhook {host_of(config.url)} refused alert {alert['alert_id']}: {last} "
                                    "(not retried: fix the URL or credentials)") from None
            after = _retry_after(exc)
            if after is not None:
                wait = after
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            last = type(reason).__name__ if not str(reason) else str(reason)
        if attempt <= config.retries:
            sleep(min(max(wait, 0.0), config.max_delay))
            delay = min(delay * 2, config.max_delay) if delay else 0.0
    raise DeliveryError(f"webhook {host_of(config.url)} did not take alert {alert['alert_id']} after "
                        f"{config.retries + 1} attempts (last: {last})")
