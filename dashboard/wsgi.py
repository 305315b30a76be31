"""WSGI entry point for gunicorn (`gunicorn dashboard.wsgi:server`). No database is opened at import.

Garbage collection: each worker keeps large, long-lived trees (page layouts per release, the API's row index), and
CPython's full collections walk all of them: 6 full collections cost 1.1 s of 9.2 s CPU while replaying the load
bench's mix in one process, with pauses up to 250 ms landing on whichever request was running. Freezing what
start-up built and collecting the young generation less often removed the full collections from that replay
(CPU 9.2 -> 8.2 s, slowest request 296 -> 176 ms). Reference counting still frees all acyclic garbage at once.
"""

import gc

from dashboard.app import create_app

app = create_app()
server = app.server

gc.freeze()  # what start-up built lives as long as the worker: never scan it again
gc.set_threshold(50_000, 20, 20)  # default (700, 10, 10): a full collection every ~300 requests of that mix
