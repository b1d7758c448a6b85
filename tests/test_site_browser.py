"""The built site in headless Chromium: math is typeset by the self-hosted MathJax, nothing is fetched
from a CDN. Skipped when Chromium, mkdocs or the copied MathJax files are missing (CI installs them)."""
import http.server
import re
import shutil
import socketserver
import subprocess
import sys
import threading
from functools import partial

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CDN_HOSTS = ("jsdelivr", "unpkg", "cdnjs", "fonts.googleapis", "fonts.gstatic", "mathjax.org")

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed"),
    pytest.mark.skipif(not (ROOT / "docs/assets/mathjax/tex-chtml-nofont.js").exists(),
                       reason="MathJax not copied (run npm ci && derive build)"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    pytest.importorskip("mkdocs")
    out = tmp_path_factory.mktemp("site")
    res = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(out)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = partial(Quiet, directory=str(out))
    server = socketserver.TCPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def render(url, tmp_path):
    netlog = tmp_path / "net.json"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={netlog}",
           "--virtual-time-budget=20000", "--dump-dom", url]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    urls = set(re.findall(r'"url":"(https?://[^"]+)"', netlog.read_text(errors="replace"))) if netlog.exists() else set()
    return res.stdout, urls


@pytest.mark.parametrize("page", ["", "a6-1-conv1x1/", "a6-2-max/", "a6-2-argmax/", "a6-3-rnn/", "a6-3-lstm/",
                                  "a6-4-attention/", "claims/"])
def test_math_is_typeset_locally(site, page, tmp_path):
    dom, urls = render(f"{site}/{page}", tmp_path)
    typeset = dom.count("<mjx-container")
    raw = len(re.findall(r'class="arithmatex">\\\[', dom))
    assert typeset >= {"": 1, "claims/": 0}.get(page, 20), f"only {typeset} formulas typeset"
    assert raw == 0, f"{raw} formulas left as raw LaTeX"
    assert "<mjx-merror" not in dom and "Math input error" not in dom
    cdn = sorted(u for u in urls if any(h in u for h in CDN_HOSTS))
    assert not cdn, cdn
