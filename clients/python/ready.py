"""Wait for a sqlwarden HTTP server to answer /readyz (shared by check.py and bench.py)."""
import time
import urllib.request


def wait_ready(port, tries=300):
    for _ in range(tries):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz") as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
