"""`make bench`: this client side by side with raw httpx, raw urllib3 and the official SDK.

Stdlib-only at import time: the worker runs under the official SDK's own venv too.
"""
