"""gunicorn's settings for every server of this app: the Procfile's, the tests' and the benches' (gunicorn reads
./gunicorn.conf.py from the folder it starts in; the Procfile names it too). Options on a command line win.

Threaded workers (`gthread`) keep a client's connection open between requests (HTTP keep-alive), as Datasette's
uvicorn does; a `sync` worker closes it after every answer, so each API call and each of a page's ~20 files paid a
new TCP connection. A worker's threads share its app: the release reader (warehouse/local_reader.py), the memos
(warehouse/memo.py), the API's index and kept answers (dashboard/api/index.py, fastlane.py), the render-ahead
notice (dashboard/api/briefings_ahead.py) and Flask-Compress's kept files (dashboard/delivery.py) take locks, and
Dash's first-request set-up runs alone (dashboard/wsgi.py). A CPU-heavy request (an inline steward check, a page
built anew) holds the GIL from its worker's other threads: the soak's readers beside a hostile steward are the
check (bench/soak.py).
"""

from lmm.config import setting

worker_class = "gthread"
threads = max(1, int(setting("LMM_WEB_THREADS")))
keepalive = 5  # seconds an idle kept connection waits for its next request (gunicorn's default 2: a reader's click)
timeout = 120
