"""The production WSGI server of `flowdesk run`: cheroot (CherryPy's), from a pool of threads of this one
process, so the embedded engine runs exactly once (gunicorn would fork workers).

A cheroot worker thread reads, answers and writes each request itself: waitress, before it, handed every
request from its socket loop to a worker thread and the answer back, which cost a fifth to a quarter of the
server's CPU per request (docs/PERFORMANCE.md, http_requests).
"""
from cheroot.wsgi import Server

# Requests mostly wait on the database; 8 threads keep the 2 cores busy without queueing behind one slow request.
SERVER_THREADS = 8
# A refused body is read to its end (up to this much) before the answer, as waitress did.
DRAIN_LIMIT = 64 * 1024 * 1024
_DRAIN_CHUNK = 64 * 1024


def answer_before_closing(app):
    """Read the rest of a body the app refused as too large (413) before answering.

    Cheroot closes the connection after a 413 without reading the body; a client that sends its whole body
    before reading (Python's http.client, requests, curl for small bodies) then gets a broken pipe instead of
    the JSON error."""

    def wrapped(environ, start_response):
        statuses = []

        def remember_status(status, headers, exc_info=None):
            statuses.append(status)
            return start_response(status, headers, exc_info)

        answer = app(environ, remember_status)
        if statuses and statuses[-1].startswith("413"):
            body, left = environ["wsgi.input"], DRAIN_LIMIT
            while left > 0 and (chunk := body.read(min(_DRAIN_CHUNK, left))):
                left -= len(chunk)
        return answer

    return wrapped


def make_server(app, host: str, port: int) -> Server:
    return Server((host, port), answer_before_closing(app), numthreads=SERVER_THREADS, server_name="Flowdesk")
