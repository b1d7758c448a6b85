"""The built site, English and Chinese, in headless Chromium through Playwright.

Every nav page of mkdocs.yml is visited in both languages: fresh at 1280x900, then at 390x844 (see
Visitor._narrow), reloaded, and its language switch clicked; a sample of pages (all with DERIVE_BROWSER=full) is
also reached by clicking its nav link on another page. It runs with the other tests (about 4 minutes on these
2-core machines) and skips when Chromium, Playwright or the built site are missing. One browser
serves the whole session; each page is visited once and every check below reads the recorded visit, so a check
is one parametrised test per (language, page) whose message names the page and the formula (first 80 characters
of its TeX). Full-page screenshots and screenshots/report.json (git-ignored) are written for a human to read.

The site is served from 127.0.0.1 at the path of its site_url, both languages side by side as `derive site` builds
them (site/en/, site/zh/; English at the top of site/ works too). Skipped when Chromium, Playwright, the built
site or the copied MathJax files are missing; the Chinese tests skip when site/zh/ has not been built.
DERIVE_SITE_DIR points the suite at another built site.
"""
import asyncio
import functools
import http.server
import json
import os
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import ROOT

# CI sets DERIVE_BROWSER_REQUIRED=1: there a missing browser, Playwright or built site is a failure, not a skip
# (a skipped suite would let every check below pass unseen)
REQUIRED = os.environ.get("DERIVE_BROWSER_REQUIRED") == "1"


def _unavailable(reason):
    if REQUIRED:
        pytest.fail(f"browser suite required (DERIVE_BROWSER_REQUIRED=1) but {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


try:
    import yaml
    import playwright.async_api as async_api
except ImportError as e:
    _unavailable(f"{e.name} is not installed (pip install -e '.[test]')")
async_playwright, PlaywrightError, PlaywrightTimeout = async_api.async_playwright, async_api.Error, async_api.TimeoutError

# DERIVE_BROWSER picks how much is visited. "sample" (the default, and what CI runs): every page of both
# languages fresh at both widths, reloaded, its screenshots taken and its language switch clicked; the click
# from another page only on a sample (each language's home page and its two pages with the most formulas).
# "full": the click on every page too (~2 minutes more). "0": skip the suite.
MODE = os.environ.get("DERIVE_BROWSER", "sample")
MODE = "full" if MODE == "1" else MODE  # the old opt-in value
if MODE not in ("sample", "full", "0"):
    raise pytest.UsageError(f"DERIVE_BROWSER must be sample, full or 0, got {MODE!r}")
if MODE == "0":
    pytest.skip("browser suite: DERIVE_BROWSER=0", allow_module_level=True)
SITE = Path(os.environ.get("DERIVE_SITE_DIR", ROOT / "site"))
SHOTS = ROOT / "screenshots"
CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser"))
                 if p and Path(p).exists()), None)

for missing, reason in (
        (CHROMIUM is None, "chromium is not installed (apt-get install chromium fonts-noto-cjk)"),
        (not (ROOT / "docs/assets/mathjax/tex-chtml-nofont.js").exists(),
         "MathJax is not copied (npm ci && python -m derive build)"),
        (not any((SITE / d / "assets/mathjax/tex-chtml-nofont.js").exists() for d in ("en", "")),
         f"the site is not built with MathJax in {SITE} (python -m derive site)")):
    if missing:
        _unavailable(reason)

# --- budgets -------------------------------------------------------------------------------------------------
WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}
WIDE_MAX = 1.0        # at 1280 no display formula may be wider than the content column
NARROW_MAX = 1.5      # at 390 none may be wider than 1.5 columns
# The one exemption from both width limits: a formula inside a horizontally scrollable wrapper (Material gives
# div.arithmatex overflow-x: auto) whose TeX is a matrix, i.e. contains one of these environments. Any other
# overwide formula fails, scrollable or not: a reader should not scroll sideways through a chain of equalities.
SCROLLABLE_MATRIX = re.compile(r"\\begin\{(?:[pbBvV]?matrix|smallmatrix|array)\}")
TYPESET_BUDGET_S = 3.0  # navigation start -> MathJax.startup.promise resolved with no formula pending; the best
#                         of the page's full typesettings (fresh load, reload; fresh 390 when taken) against noise
CJK_SHARE_MIN = 0.35    # zh pages: CJK characters / (letters + CJK) of the visible prose of .md-content
SIZE_TOL_PX = 0.5       # per-formula box sizes must agree to this between fresh, reloaded and clicked visits
# TeX that reached the reader as text: $$, \( \) \[ \], a control word (\frac, \tanh), or braces after _ or ^
# (a text node with braces only, such as "h_{t−1}" in prose, is reported by its own test)
RAW_TEX = re.compile(r"\$\$|\\\(|\\\)|\\\[|\\\]|\\[A-Za-z]{2,}|[_^]\{")
# Pages visited side by side in the one browser: 2 takes about a third off the suite's time on 2 cores, at the
# price of typesetting times that double under the contention (1, the default, gives the quietest)
TABS = int(os.environ.get("DERIVE_BROWSER_TABS", "1"))
# Each language's folder in the served site: site/en/ and site/zh/ (`derive site`), or English at the top with
# Chinese in site/zh/; the same page paths in both.
LANGS = {"en": "en/" if (SITE / "en" / "index.html").exists() else "", "zh": "zh/"}


# --- pages ---------------------------------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """mkdocs.yml may hold !!python/name: and !ENV tags; the nav does not need them."""


_Loader.add_multi_constructor("", lambda loader, suffix, node: None)


def _config(name="mkdocs.yml"):
    return yaml.load((ROOT / name).read_text(encoding="utf-8"), Loader=_Loader) or {}


def _nav_pages(name="mkdocs.yml"):
    """Page paths relative to the language's root ('' for the home page) of every nav entry, in nav order."""
    config = _config(name)
    directory_urls = config.get("use_directory_urls", True)
    out = []

    def walk(entry):
        if isinstance(entry, list):
            for e in entry:
                walk(e)
        elif isinstance(entry, dict):
            for v in entry.values():
                walk(v)
        elif isinstance(entry, str) and entry.endswith(".md") and "://" not in entry:
            stem = entry[:-3]
            if stem == "index" or stem.endswith("/index"):
                path = stem[:-len("index")]
            else:
                path = stem + "/" if directory_urls else stem + ".html"
            if path not in out:
                out.append(path)

    walk(config.get("nav") or [])
    return out


def _formula_count(lang, page):
    """Display and inline formulas in the built page (0 when it is not built): what picks the sample."""
    index = SITE / LANGS[lang] / page / "index.html"
    try:
        return index.read_text(encoding="utf-8").count('class="arithmatex"')
    except OSError:
        return 0


PAGES = _nav_pages()
CASES = [pytest.param(lang, page, id=f"{lang}:{page or 'home'}") for lang in LANGS for page in PAGES]
ZH_CASES = [c for c in CASES if c.values[0] == "zh"]
# the pages also reached by a click from another page: all, or per language its home page and the two with the
# most formulas (the ones a lost stylesheet or a re-typeset would change most)
SAMPLED = {(lang, page) for lang in LANGS for page in
           (PAGES if MODE == "full" else [""] + sorted(PAGES, key=lambda p: (-_formula_count(lang, p), p))[:2])}
CLICK_CASES = [c for c in CASES if tuple(c.values) in SAMPLED]


def _site_url():
    """The address the whole site was built for: the English home page's canonical link (its site_url, which
    mkdocs.yml may take from the environment, so the built page is the one to ask) less the English folder;
    None without a site_url."""
    try:
        html = (SITE / LANGS["en"] / "index.html").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    if not m:
        return None
    url = m.group(1) if m.group(1).endswith("/") else m.group(1) + "/"
    return url[:len(url) - len(LANGS["en"])] if LANGS["en"] and url.endswith(LANGS["en"]) else url


def _site_prefix():
    """The path the site is published under (site_url's path, '/' without one): it is served there here too."""
    return urlsplit(_site_url() or "/").path or "/"


# --- in-page JavaScript ----------------------------------------------------------------------------------------
# Runs before any page script: records performance.now() when MathJax's startup promise has resolved and no
# .arithmatex element is left without its typeset mjx-container.
INIT_JS = r"""
(() => {
  const pending = () => [...document.querySelectorAll('.arithmatex')].filter(e => !e.querySelector('mjx-container')).length;
  const done = () => { if (pending() === 0) window.__mjxDone = performance.now(); else setTimeout(done, 10); };
  const poll = () => {
    const m = window.MathJax;
    if (m && m.startup && m.startup.promise) m.startup.promise.then(done, e => { window.__mjxFailed = String(e); done(); });
    else setTimeout(poll, 5);
  };
  poll();
})();
"""

# Waits until MathJax has typeset the current document (also after an instant-navigation swap, which replaces
# MathJax.startup.promise), and for the web fonts its output asked for.
SETTLE_JS = r"""
async (timeoutMs) => {
  const t0 = performance.now();
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const pending = () => [...document.querySelectorAll('.arithmatex')].filter(e => !e.querySelector('mjx-container')).length;
  while (!(window.MathJax && MathJax.startup && MathJax.startup.promise && MathJax.startup.document)) {
    if (performance.now() - t0 > timeoutMs) return 'MathJax never started';
    await sleep(20);
  }
  for (;;) {
    const p = MathJax.startup.promise;
    try { await p; } catch (e) { return 'MathJax.startup.promise rejected: ' + e; }
    await sleep(0);
    if (p === MathJax.startup.promise && pending() === 0) {
      // the glyphs' boxes change when MathJax's web fonts arrive: lay out (which requests them), then wait
      document.body.getBoundingClientRect();
      await document.fonts.ready;
      return null;
    }
    if (performance.now() - t0 > timeoutMs) return pending() + ' formulas still pending';
    await sleep(30);
  }
}
"""

# full=false records only what the reload and click visits are compared on, and the widths.
COLLECT_JS = r"""
async ([full, rawPattern]) => {
  const items = (MathJax.startup.document.getMathItemsWithin(document.body) || []);
  const texOf = new Map(items.map(i => [i.typesetRoot, i]));
  const containers = [...document.querySelectorAll('mjx-container')];
  const tex = c => { const i = texOf.get(c); const m = c.querySelector('mjx-math');
                     return ((i && i.math) || (m && m.getAttribute('data-latex')) || '').replace(/\s+/g, ' ').trim(); };
  const box = c => c.querySelector('mjx-math') || c;

  // render signature: every formula's box, and MathJax's stylesheet
  const sheet = document.getElementById('MJX-CHTML-styles');
  let rules = -1;
  try { rules = sheet && sheet.sheet ? sheet.sheet.cssRules.length : -1; } catch (e) {}
  const sizes = containers.map(c => { const r = box(c).getBoundingClientRect();
                                      return [Math.round(r.width * 10) / 10, Math.round(r.height * 10) / 10, tex(c).slice(0, 80)]; });

  // MathJax errors
  const merrors = [...document.querySelectorAll('mjx-merror')].map(e => {
    const c = e.closest('mjx-container');
    return { tex: c ? tex(c).slice(0, 80) : '', error: e.getAttribute('data-mjx-error') || e.textContent.slice(0, 120) };
  });
  // an undefined macro is no mjx-merror: MathJax's noundefined extension prints its name, in red, as text
  for (const e of document.querySelectorAll('mjx-mtext:not(mjx-merror mjx-mtext)')) {
    const t = e.textContent.trim();
    if (/^\\[A-Za-z]+$/.test(t)) {
      const c = e.closest('mjx-container');
      merrors.push({ tex: c ? tex(c).slice(0, 80) : '', error: 'undefined macro ' + t });
    }
  }
  let features = [];
  try { features = JSON.parse(document.getElementById('__config').textContent).features || []; } catch (e) {}
  const overflow = ((MathJax.config || {}).output || {}).displayOverflow || 'overflow';
  const base = { count: containers.length, rules, sizes, merrors, features, overflow,
                 typesetMs: window.__mjxDone === undefined ? null : window.__mjxDone, mjxFailed: window.__mjxFailed || null };

  // display formulas against the column
  const col = document.querySelector('.md-content__inner') || document.querySelector('.md-content');
  const cs = getComputedStyle(col);
  const column = col.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  const display = containers.filter(c => c.hasAttribute('display') && c.getAttribute('display') !== 'false');
  const formulas = display.map(c => {
    let scrollable = false;
    for (let a = c; a && a !== col; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'auto' || ox === 'scroll') { scrollable = true; break; }
    }
    return { tex: tex(c), width: box(c).getBoundingClientRect().width, scrollable,
             inClosedDetails: !!c.closest('details:not([open])') };
  });

  if (!full) return { ...base, column, formulas };

  // TeX left as text (outside code and pre)
  const skip = 'code, pre, script, style, textarea, noscript, mjx-container, template';
  const rawTex = [], seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const RAW = new RegExp(rawPattern);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (!p || p.closest(skip)) continue;
    const m = RAW.exec(n.textContent);
    if (!m) continue;
    const snippet = n.textContent.slice(Math.max(0, m.index - 20), m.index + 60).replace(/\s+/g, ' ').trim();
    if (seen.has(snippet)) continue;
    seen.add(snippet);
    const where = p.closest('h1, h2, h3, h4, h5, h6, nav, td, th, li, p, figcaption, summary, div');
    rawTex.push({ snippet, braces: !/\$|\\[A-Za-z]{2,}|\\[()[\]]/.test(n.textContent),
                  where: where ? where.localName + (where.className ? '.' + String(where.className).split(' ')[0] : '')
                               : p.localName });
  }

  // an equality whose two sides print the same, from MathJax's own MathML of the formula
  const canon = node => {
    if (node.nodeType === 3) return node.textContent.trim();
    if (node.nodeType !== 1) return '';
    const tag = node.localName;
    if (tag === 'mspace' || tag === 'annotation' || tag === 'annotation-xml') return '';
    if (['mi', 'mn', 'mo', 'mtext', 'ms'].includes(tag)) {
      const t = node.textContent.trim(); const v = node.getAttribute('mathvariant');
      return t ? (v ? v + ':' : '') + t : '';
    }
    const kids = [...node.childNodes].map(canon).filter(s => s !== '');
    if (['mrow', 'mstyle', 'mpadded', 'math', 'semantics'].includes(tag)) return kids.join(' ');
    return tag + '(' + kids.join(', ') + ')';
  };
  const expand = nodes => nodes.flatMap(n => (n.localName === 'mrow' || n.localName === 'mstyle')
      && n.getAttribute('data-mjx-texclass') !== 'INNER' ? expand([...n.children]) : [n]);
  const split = nodes => {
    const parts = [[]];
    for (const n of nodes) {
      if (n.localName === 'mo' && n.textContent.trim() === '=') parts.push([]);
      else parts[parts.length - 1].push(n);
    }
    return parts.map(p => p.map(canon).filter(s => s !== '').join(' '));
  };
  const trivial = [];
  const parser = new DOMParser();
  for (const item of items.filter(i => i.display)) {
    let mml;
    try { mml = parser.parseFromString(MathJax.startup.toMML(item.root), 'application/xml').documentElement; }
    catch (e) { continue; }
    let top = expand([...mml.children]);
    const chains = [];
    if (top.length === 1 && top[0].localName === 'mtable') {
      for (const row of top[0].children) {
        const cells = [...row.children].filter(c => c.localName === 'mtd');
        const parts = split(expand(cells.flatMap(c => [...c.children])));
        if (parts[0] === '' && parts.length > 1 && chains.length) chains[chains.length - 1].push(...parts.slice(1));
        else chains.push(parts);
      }
    } else chains.push(split(top));
    const closed = !!(item.typesetRoot && item.typesetRoot.closest('details:not([open])'));
    for (const parts of chains)
      for (let k = 0; k + 1 < parts.length; k++)
        if (parts[k] !== '' && parts[k] === parts[k + 1]) {
          trivial.push({ tex: item.math.replace(/\s+/g, ' ').trim().slice(0, 80), side: parts[k].slice(0, 80), closed }); break;
        }
  }

  // prose language of .md-content (visible text outside code, pre and math)
  let letters = 0, cjk = 0;
  const content = document.querySelector('.md-content');
  if (content) {
    const w = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) {
      const p = n.parentElement;
      if (!p || p.closest('code, pre, script, style, mjx-container, .arithmatex, .headerlink')) continue;
      if (p.checkVisibility && !p.checkVisibility()) continue;
      letters += (n.textContent.match(/\p{L}/gu) || []).length;
      cjk += (n.textContent.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu) || []).length;
    }
  }

  // images, lazy ones forced to load
  const imgs = [...document.images];
  await Promise.all(imgs.map(async i => {
    if (i.complete && i.naturalWidth > 0) return;
    i.loading = 'eager';
    try { await i.decode(); } catch (e) {}
  }));
  const images = imgs.map(i => ({ src: i.currentSrc || i.src, naturalWidth: i.naturalWidth }));

  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  return { ...base, column, formulas, rawTex, trivial, letters, cjk, images, links };
}
"""


# --- the served site -----------------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def server():
    prefix = _site_prefix()

    class Handler(http.server.SimpleHTTPRequestHandler):
        def translate_path(self, path):
            if not path.startswith(prefix):
                return str(SITE / "__outside_the_site_url_path__")
            return super().translate_path("/" + path[len(prefix):])

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        def handle_error(self, request, client_address):  # the browser drops connections it no longer needs
            pass

    httpd = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(SITE)))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"
    httpd.shutdown()
    httpd.server_close()


class Visitor:
    """One Chromium for the session and TABS pages in it, working through the (language, page) visits side by
    side; visit records everything the checks read, and judge turns a record into failure messages."""

    def __init__(self, base):
        self.base = base
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
        self.site_url = _site_url()
        self.results = {}
        self.fetched = {}
        self.canned = {}  # url -> HTML served instead of the site's (the canary page)

    # -- the browser
    async def run(self, keys):
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            context = await browser.new_context(viewport=WIDE, service_workers="block")
            await context.add_init_script(INIT_JS)
            queue = list(keys)

            async def worker():
                tab = await self._tab(context)
                while queue:
                    key = queue.pop(0)
                    started = time.time()
                    try:
                        self.results[key] = await self._visit(tab, *key)
                    except Exception as e:  # one page's trouble must not hide the others' results
                        self.results[key] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0]}",
                                             "url": self.url(*key)}
                    self.results[key]["seconds"] = round(time.time() - started, 1)

            await asyncio.gather(*(worker() for _ in range(min(TABS, len(queue)) or 1)))
            await browser.close()

    async def _tab(self, context):
        page = await context.new_page()
        page.events = None

        def event(kind, *data):
            if page.events is not None:
                page.events[kind].append(data)

        async def route(route):
            url = route.request.url
            if url.split("#")[0] in self.canned:
                await route.fulfill(body=self.canned[url.split("#")[0]], content_type="text/html; charset=utf-8")
            elif not url.startswith(self.origin + "/"):
                event("external", url)
                await route.abort()
            elif self.site_url and urlsplit(url).path.endswith("sitemap.xml"):
                # Deployed, the sitemap's <loc>s are the pages' own addresses, and Material's language switch
                # finds the same page in the other language through them (it swaps protocol and host, not the
                # port). Served here from a random port, the locs are pointed at it, as deploying at site_url does.
                response = await route.fetch()
                await route.fulfill(response=response, body=(await response.text()).replace(self.site_url, self.base))
            else:
                await route.continue_()

        await page.route("**/*", route)
        page.on("console", lambda m: event("console", m.type, m.text))
        page.on("pageerror", lambda e: event("console", "pageerror", f"{e}"))
        page.on("response", lambda r: r.status >= 400 and event("http", r.status, r.url))
        return page

    def url(self, lang, page):
        return self.base + LANGS[lang] + page

    async def _settle(self, page):
        return await page.evaluate(SETTLE_JS, 30000)

    async def _collect(self, page, full):
        return await page.evaluate(COLLECT_JS, [full, RAW_TEX.pattern])

    async def _load(self, page, url, reload=False, full=False):
        t0 = time.time()
        # A fresh load waits for the load event (images, for the image check); the compared ones only for the DOM
        wait = "domcontentloaded" if reload else "load"
        response = await (page.reload(wait_until=wait) if reload else page.goto(url, wait_until=wait))
        problem = await self._settle(page)
        t1 = time.time()
        data = await self._collect(page, full)
        data["load_collect_s"] = [round(t1 - t0, 2), round(time.time() - t1, 2)]
        data["status"] = response.status if response else None
        data["problem"] = problem
        return data

    async def _narrow(self, page, url, fresh):
        """The page at 390x844. MathJax lays a formula out once, when it typesets it: with displayOverflow
        'overflow' (the default) or 'scroll' its boxes do not depend on the viewport, and resizing the typeset
        page shows what a phone shows (checked on this site: identical boxes to a fresh load at 390). 'linebreak'
        and 'scale' depend on the width the formula had: then it is a fresh load at 390."""
        await page.set_viewport_size(NARROW)
        if fresh["overflow"] in ("overflow", "scroll"):
            await page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            data = await self._collect(page, False)
            data.update(typesetMs=None, problem=None, resized=True)
        else:
            data = await self._load(page, url)
            data["resized"] = False
        return data

    async def _click_from(self, page, start, target):
        await page.goto(start, wait_until="domcontentloaded")
        features = await page.evaluate("() => JSON.parse(document.getElementById('__config').textContent).features")
        if "navigation.instant" in features:  # the click swaps the page in: start from a finished one
            await self._settle(page)
        handle = await page.evaluate_handle(
            """(target) => [...document.querySelectorAll('.md-sidebar--primary a.md-nav__link[href], .md-tabs a[href]')]
                 .find(a => a.href.split('#')[0] === target) || null""", target)
        link = handle.as_element()
        if link is None:
            return None, f"no nav link to {target} on {start}"
        if await link.is_visible():
            await link.click()
        else:
            await link.evaluate("a => a.click()")
        await page.wait_for_url(lambda u: u.split("#")[0] == target, timeout=30000)
        problem = await self._settle(page)
        data = await self._collect(page, False)
        data["problem"] = problem
        return data, None

    async def _switch(self, page, lang, path):
        """Click the header's link to the other language; where does the browser land?"""
        other = "en" if lang == "zh" else "zh"
        want = self.url(other, path)
        link = page.locator(f'.md-select a[hreflang^="{other}" i]').first
        if not await link.count():
            return {"want": want, "error": f"no language-switch link (.md-select a[hreflang={other}])"}
        href = await link.evaluate("a => a.href")
        try:
            await page.wait_for_load_state("networkidle", timeout=5000)  # Material first reads the sitemaps
        except PlaywrightTimeout:
            pass
        try:
            try:  # as a reader does: hover the selector, click the language
                await page.locator(".md-select").first.hover(timeout=2000)
                visible = await link.is_visible()
            except PlaywrightError:
                visible = False
            async with page.expect_navigation(wait_until="commit", timeout=15000) as nav:
                if visible:
                    await link.click(timeout=5000)
                else:
                    await link.evaluate("a => a.click()")
            response = await nav.value
            return {"want": want, "href": href, "landed": response.url if response else page.url,
                    "status": response.status if response else None}
        except PlaywrightError as e:
            return {"want": want, "href": href, "error": f"clicking {href}: {str(e).splitlines()[0]}"}

    async def _visit(self, page, lang, path):
        url = self.url(lang, path)
        page.events = {"console": [], "http": [], "external": []}
        shots = SHOTS / lang
        shots.mkdir(parents=True, exist_ok=True)
        name = path.strip("/").replace("/", "_") or "home"
        rec = {"url": url, "step_s": {}}
        clock = [time.time()]

        def lap(step):
            rec["step_s"][step] = round(time.time() - clock[0], 2)
            clock[0] = time.time()

        await page.set_viewport_size(WIDE)
        rec["fresh"] = await self._load(page, url, full=True)
        lap("fresh")
        if path != CANARY:
            await page.screenshot(path=str(shots / f"{name}-1280.png"), full_page=True)
        lap("shot_1280")
        rec["narrow"] = await self._narrow(page, url, rec["fresh"])
        lap("narrow")
        if path != CANARY:
            await page.screenshot(path=str(shots / f"{name}-390.png"), full_page=True)
        await page.set_viewport_size(WIDE)
        lap("shot_390")
        rec["reload"] = await self._load(page, url, reload=True)
        lap("reload")
        rec["click"], rec["click_error"] = None, None
        if (lang, path) in SAMPLED or path == CANARY:
            start = self.url(lang, "") if path else self.url(lang, next((p for p in PAGES if p), ""))
            rec["click_from"] = start
            rec["click"], rec["click_error"] = await self._click_from(page, start, url)
            lap("click")
            if rec["click"] is None:
                await page.goto(url, wait_until="load")
        rec["switch"] = await self._switch(page, lang, path)  # last: it leaves the page
        lap("switch")
        rec["events"] = page.events
        page.events = None
        return rec

    def fetch(self, url):
        """(status, ids in the HTML or None) of a same-origin URL, cached for the session."""
        if url in self.canned:
            return 200, set(re.findall(r'\b(?:id|name)="([^"]+)"', self.canned[url]))
        if url not in self.fetched:
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    body, status = r.read(), r.status
                    html = "html" in r.headers.get("Content-Type", "")
            except urllib.error.HTTPError as e:
                body, status, html = b"", e.code, False
            ids = set(re.findall(r'\b(?:id|name)="([^"]+)"', body.decode("utf-8", "replace"))) if html else None
            self.fetched[url] = (status, ids)
        return self.fetched[url]


# --- judging a visit ---------------------------------------------------------------------------------------
def _mathjax_message(text):
    return re.search(r"mathjax|mjx|\btex\b|math input|typeset", text, re.I)


def judge(visitor, lang, path, rec):
    """Failure messages of every check for one visited page: {check: [message, ...]}."""
    fresh, reload, click, narrow = rec["fresh"], rec["reload"], rec["click"], rec["narrow"]
    out = {k: [] for k in ("mathjax", "raw_tex", "tex_braces", "same_reload", "same_click", "width", "typeset_time", "external",
                           "language_switch", "links", "images", "cjk_share", "trivial_equality")}

    seen = {}
    for label, d in (("fresh", fresh), ("reload", reload), ("click", click), ("390", narrow)):
        if d is None:
            continue
        if d.get("problem"):
            out["mathjax"].append(f"{label}: {d['problem']}")
        if d.get("mjxFailed"):
            out["mathjax"].append(f"{label}: MathJax startup failed: {d['mjxFailed']}")
        for e in d["merrors"]:
            seen.setdefault((e["error"], e["tex"]), []).append(label)
    for (error, tex), labels in seen.items():
        out["mathjax"].append(f"{error} ({'/'.join(labels)}) in TeX: {tex}")
    for text in sorted({text for kind, text in rec["events"]["console"]
                        if kind in ("error", "pageerror") and _mathjax_message(text)}):
        out["mathjax"].append(f"console error: {text[:200]}")
    for t in fresh["rawTex"]:
        out["tex_braces" if t["braces"] else "raw_tex"].append(f"left as text in <{t['where']}>: «{t['snippet']}»")

    def compare(label, other):
        if other is None:
            return
        if other["count"] != fresh["count"]:
            out["same_" + label].append(f"{label}: {other['count']} mjx-container vs {fresh['count']} on a fresh load")
        diffs = [(a, b) for a, b in zip(fresh["sizes"], other["sizes"])
                 if abs(a[0] - b[0]) > SIZE_TOL_PX or abs(a[1] - b[1]) > SIZE_TOL_PX]
        if diffs:
            shown = "; ".join(f"«{a[2]}»: {a[0]}x{a[1]} fresh, {b[0]}x{b[1]} {label}" for a, b in diffs[:5])
            out["same_" + label].append(f"{label}: {len(diffs)} formulas sized differently from a fresh load: {shown}")
        instant = "navigation.instant" in other.get("features", [])
        ok = other["rules"] >= fresh["rules"] if (label == "click" and instant) else other["rules"] == fresh["rules"]
        if fresh["rules"] <= 0 or not ok:
            out["same_" + label].append(f"{label}: MathJax stylesheet (MJX-CHTML-styles) has {other['rules']} rules, "
                                      f"{fresh['rules']} on a fresh load")

    compare("reload", reload)
    if rec["click_error"]:
        out["same_click"].append(rec["click_error"])
    compare("click", click)

    for label, d, limit in (("1280", fresh, WIDE_MAX), ("390", narrow, NARROW_MAX)):
        for f in d["formulas"]:
            if f["inClosedDetails"] or f["width"] <= limit * d["column"] + SIZE_TOL_PX:
                continue
            if f["scrollable"] and SCROLLABLE_MATRIX.search(f["tex"]):
                continue
            scrolls = " (scrolls sideways, but is no matrix)" if f["scrollable"] else ""
            out["width"].append(f"at {label}: {f['width']:.0f}px = {f['width'] / d['column']:.2f} columns "
                                f"(limit {limit}, column {d['column']:.0f}px){scrolls}: «{f['tex'][:80]}»")

    times = [d["typesetMs"] for d in (fresh, reload, narrow) if d["typesetMs"] is not None]
    if not times:
        out["typeset_time"].append("MathJax never reported the page typeset")
    elif min(times) / 1000 > TYPESET_BUDGET_S:
        out["typeset_time"].append(f"typesetting took {min(times) / 1000:.2f} s at best "
                                   f"({', '.join(f'{t / 1000:.2f}' for t in times)} s), budget {TYPESET_BUDGET_S} s")

    for (url,) in sorted(set(rec["events"]["external"])):
        out["external"].append(f"request leaving 127.0.0.1: {url}")

    sw = rec["switch"]
    if sw.get("error"):
        out["language_switch"].append(f"{sw['error']} (expected to land on {sw['want']})")
    elif sw["landed"].split("#")[0] != sw["want"] or sw["status"] != 200:
        home = visitor.url("en" if lang == "zh" else "zh", "")
        hint = (" - the other language's home page: Material's selector stays on the page only through the other"
                " language's sitemap.xml (empty without site_url), and never from /zh/ back to / (whose prefix"
                " matches every page)" if sw["landed"].split("#")[0] == home and path else "")
        out["language_switch"].append(f"the switch link {sw['href']} landed on {sw['landed']} (HTTP {sw['status']}), "
                                      f"expected {sw['want']} with 200{hint}")

    for status, url in sorted(set(rec["events"]["http"])):
        out["links"].append(f"HTTP {status} while loading the page: {url}")
    for link in sorted(set(fresh["links"])):
        if not link.startswith(visitor.origin + "/"):
            continue
        target, _, fragment = link.partition("#")
        status, ids = visitor.fetch(target)
        if status != 200:
            out["links"].append(f"link {link} returns HTTP {status}")
        elif fragment and ids is not None and unquote(fragment) not in ids:
            out["links"].append(f"link {link}: no element with id {unquote(fragment)!r}")

    for img in fresh["images"]:
        if img["naturalWidth"] == 0:
            out["images"].append(f"image {img['src']} did not load (naturalWidth 0)")

    if lang == "zh":
        share = fresh["cjk"] / fresh["letters"] if fresh["letters"] else 0.0
        if share < CJK_SHARE_MIN:
            out["cjk_share"].append(f"CJK share of the prose is {share:.2f} ({fresh['cjk']} of {fresh['letters']} "
                                    f"letters), below {CJK_SHARE_MIN}")

    for t in fresh["trivial"]:
        where = " (in a closed <details>)" if t["closed"] else ""
        out["trivial_equality"].append(f"both sides of an '=' print the same{where}: «{t['tex']}»")
    return out


def _ratio(d):
    widths = [f["width"] for f in d["formulas"] if not f["inClosedDetails"]]
    return round(max(widths) / d["column"], 3) if widths and d["column"] else None


def _report_row(lang, path, rec):
    if "error" in rec:
        return {"page": path or "home", "lang": lang, "url": rec["url"], "error": rec["error"]}
    fresh = rec["fresh"]
    times = [d["typesetMs"] for d in (fresh, rec["reload"], rec["narrow"]) if d["typesetMs"] is not None]
    return {
        "page": path or "home", "lang": lang, "url": rec["url"],
        "display_formulas": len(fresh["formulas"]),
        "display_formulas_outside_closed_details": sum(not f["inClosedDetails"] for f in fresh["formulas"]),
        "mjx_containers": fresh["count"],
        "widest_over_column_1280": _ratio(fresh), "widest_over_column_390": _ratio(rec["narrow"]),
        "column_px": {"1280": fresh["column"], "390": rec["narrow"]["column"]},
        "typeset_s": round(min(times) / 1000, 3) if times else None,
        "typeset_s_each": {k: (rec[k]["typesetMs"] and round(rec[k]["typesetMs"] / 1000, 3))
                           for k in ("fresh", "reload", "narrow")},
        "cjk_share": round(fresh["cjk"] / fresh["letters"], 3) if fresh["letters"] else None,
        "mathjax_rules": {k: (rec[k] or {}).get("rules") for k in ("fresh", "reload", "click")},
        "seconds": rec["seconds"], "step_s": rec["step_s"],
        "load_collect_s": {k: (rec[k] or {}).get("load_collect_s") for k in ("fresh", "reload")},
        "failures": {k: v for k, v in rec["failures"].items() if v},
    }


@pytest.fixture(scope="session")
def visitor(server, request):
    """Visits every (language, page) the selected tests ask for, up front, then judges each visit."""
    keys = []
    for item in request.session.items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.module.__name__ == __name__ and "lang" in params and "path" in params:
            key = (params["lang"], params["path"])
            if key not in keys and (SITE / LANGS[key[0]] / "index.html").exists():
                keys.append(key)
    v = Visitor(server)
    if any(item.name == "test_checks_catch_a_broken_page" for item in request.session.items):
        keys.insert(0, ("en", CANARY))
        v.canned[v.url("en", CANARY)] = _canary_html()
    started = time.time()
    if keys:
        SHOTS.mkdir(exist_ok=True)
        names = {(p.strip("/").replace("/", "_") or "home") + f"-{w}.png" for p in PAGES for w in (1280, 390)}
        for old in SHOTS.glob("*/*.png"):  # screenshots of pages no longer in the nav
            if old.name not in names:
                old.unlink()
        asyncio.run(v.run(keys))
    for key, rec in v.results.items():
        if "error" not in rec:
            rec["failures"] = judge(v, *key, rec)
    rows = [_report_row(lang, path, rec) for (lang, path), rec in v.results.items() if path != CANARY]
    if rows:
        (SHOTS / "report.json").write_text(json.dumps(
            {"site": str(SITE), "seconds": round(time.time() - started, 1), "tabs": TABS, "mode": MODE,
             "budgets": {"wide_max": WIDE_MAX, "narrow_max": NARROW_MAX, "typeset_s": TYPESET_BUDGET_S,
                         "cjk_share_min": CJK_SHARE_MIN},
             "pages": rows}, indent=1, ensure_ascii=False), encoding="utf-8")
    return v


def _failures(visitor, lang, path, check):
    if not (SITE / LANGS[lang] / "index.html").exists():
        (pytest.fail if REQUIRED else pytest.skip)(f"{SITE / LANGS[lang]} not built (python -m derive site)")
    rec = visitor.results[(lang, path)]
    assert "error" not in rec, f"{lang}:{path or 'home'} ({rec['url']}): the visit failed: {rec['error']}"
    problems = rec["failures"][check]
    if problems:
        pytest.fail(f"{lang}:{path or 'home'} ({rec['url']}): {len(problems)} problem(s)\n  " + "\n  ".join(problems),
                    pytrace=False)


# --- the checks ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang, path", CASES)
def test_mathjax_without_errors(visitor, lang, path):
    """No mjx-merror, no MathJax error on the console, every formula typeset."""
    _failures(visitor, lang, path, "mathjax")


@pytest.mark.parametrize("lang, path", CASES)
def test_no_tex_left_as_text(visitor, lang, path):
    """No text outside code and pre holds TeX's delimiters or control words ($$, \\(, \\[, \\frac, \\tanh)."""
    _failures(visitor, lang, path, "raw_tex")


@pytest.mark.parametrize("lang, path", CASES)
def test_no_tex_braces_in_prose(visitor, lang, path):
    """Nor TeX's script braces (h_{t−1}, e^{−tδ}) in prose, headings and the table of contents: the reader sees
    the braces. Kept apart from the test above, whose hits are formulas that failed to render."""
    _failures(visitor, lang, path, "tex_braces")


@pytest.mark.parametrize("lang, path", CASES)
def test_reload_renders_as_a_fresh_load(visitor, lang, path):
    """Same formula count and box sizes, and MathJax's stylesheet kept, on a reload."""
    _failures(visitor, lang, path, "same_reload")


@pytest.mark.parametrize("lang, path", CLICK_CASES)
def test_click_renders_as_a_fresh_load(visitor, lang, path):
    """The same when the page is reached by clicking its nav link on another page (sampled: DERIVE_BROWSER)."""
    _failures(visitor, lang, path, "same_click")


@pytest.mark.parametrize("lang, path", CASES)
def test_display_formulas_fit_the_column(visitor, lang, path):
    """Outside closed <details>: <= 1 column at 1280x900, <= 1.5 columns at 390x844 (scrolling matrices exempt)."""
    _failures(visitor, lang, path, "width")


@pytest.mark.parametrize("lang, path", CASES)
def test_typesetting_within_budget(visitor, lang, path):
    _failures(visitor, lang, path, "typeset_time")


@pytest.mark.parametrize("lang, path", CASES)
def test_no_request_leaves_localhost(visitor, lang, path):
    _failures(visitor, lang, path, "external")


@pytest.mark.parametrize("lang, path", CASES)
def test_language_switch_keeps_the_page(visitor, lang, path):
    """The header's link to the other language lands on the same page there (/zh/ added or removed), HTTP 200."""
    other = "en" if lang == "zh" else "zh"
    if not (SITE / LANGS[other] / "index.html").exists():
        pytest.skip(f"{SITE / LANGS[other]} not built: nothing to switch to")
    _failures(visitor, lang, path, "language_switch")


@pytest.mark.parametrize("lang, path", CASES)
def test_internal_links_and_anchors_resolve(visitor, lang, path):
    _failures(visitor, lang, path, "links")


@pytest.mark.parametrize("lang, path", CASES)
def test_images_load(visitor, lang, path):
    _failures(visitor, lang, path, "images")


@pytest.mark.parametrize("lang, path", ZH_CASES)
def test_chinese_pages_are_mostly_chinese(visitor, lang, path):
    _failures(visitor, lang, path, "cjk_share")


@pytest.mark.parametrize("lang, path", CASES)
def test_no_equality_with_identical_sides(visitor, lang, path):
    """A display formula split at its top-level '=' must not have two neighbouring sides that print the same."""
    _failures(visitor, lang, path, "trivial_equality")


CANARY = "__canary__/"


def _canary_html():
    """A nav page of the site with its article replaced by one instance of each fault the checks look for (and
    two overwide formulas that are allowed), served at /__canary__/ only inside the browser."""
    donor = next(p for p in PAGES if p.count("/") == 1)
    html = (SITE / LANGS["en"] / donor / "index.html").read_text(encoding="utf-8")
    terms = " + ".join(f"w_{{{k}}} x_{{{k}}}" for k in range(40))
    matrix = r"\left[\begin{matrix}" + " & ".join(f"a_{{1,{k}}}" for k in range(30)) + r"\end{matrix}\right]"
    article = f"""<article class="md-content__inner md-typeset"><h1 id="canary">Canary</h1>
<div class="arithmatex">\\[ y_{{1}} + z = y_{{1}} + z \\]</div>
<div class="arithmatex">\\[ s = {terms} \\]</div>
<div class="arithmatex">\\[ A = {matrix} \\]</div>
<details class="note"><summary>closed</summary><div class="arithmatex">\\[ t = {terms} \\]</div></details>
<div class="arithmatex">\\[ \\undefinedmacro{{q}} \\]</div>
<div class="arithmatex">\\[ r = \\frac{{q}} \\]</div>
<p>Left as text: $$ \\frac{{a}}{{b}} $$.</p>
<p>Braces in prose: h_{{t-1}}.</p>
<p><a href="../no-such-page/">broken</a> <a href="#no-such-anchor">anchor</a> <a href="#canary">fine</a></p>
<p><img src="https://example.com/external.png" alt="external"></p>
<script>
  (function drop() {{  // the known bug: MathJax's stylesheet cleared after typesetting, here on a reload only
    if (performance.getEntriesByType("navigation")[0].type !== "reload") return;
    if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return setTimeout(drop, 5);
    MathJax.startup.promise = MathJax.startup.promise.then(() => {{
      MathJax.startup.output.clearCache(); MathJax.typesetClear(); MathJax.texReset(); return MathJax.typesetPromise();
    }});
  }})();
</script>
</article>"""
    return re.sub(r'<article class="md-content__inner md-typeset">.*?</article>', lambda m: article, html,
                  count=1, flags=re.S)


def test_checks_catch_a_broken_page(visitor):
    """Every check can fail: the canary page has one fault of each kind, and two allowed overwide formulas."""
    rec = visitor.results.get(("en", CANARY))
    assert rec is not None and "error" not in rec, rec
    f = rec["failures"]
    joined = {k: "\n".join(v) for k, v in f.items()}
    assert "undefined macro \\undefinedmacro" in joined["mathjax"], f["mathjax"]
    assert re.search(r"Missing argument for \\frac \(.*\) in TeX: r = \\frac\{q\}", joined["mathjax"]), f["mathjax"]
    assert "$$" in joined["raw_tex"] and "h_{t-1}" not in joined["raw_tex"], f["raw_tex"]
    assert "h_{t-1}" in joined["tex_braces"] and "$$" not in joined["tex_braces"], f["tex_braces"]
    assert "y_{1} + z = y_{1} + z" in joined["trivial_equality"], f["trivial_equality"]
    assert len(f["width"]) == 2 and all("s = w_{0}" in m for m in f["width"]), f["width"]  # 1280 and 390
    assert "MJX-CHTML-styles" in joined["same_reload"], f["same_reload"]  # clearCache() on reload
    assert "https://example.com/external.png" in joined["external"], f["external"]
    assert "external.png" in joined["images"], f["images"]
    assert "no-such-page" in joined["links"] and "no-such-anchor" in joined["links"], f["links"]
    assert "no element with id 'no-such-anchor'" in joined["links"], f["links"]
    assert "id 'canary'" not in joined["links"] and "__canary__/ returns" not in joined["links"], f["links"]


def test_nav_pages_found():
    """The page list comes from mkdocs.yml's nav (an empty one would make every check above vacuous); the
    Chinese nav, which the zh visits also follow, lists the same pages."""
    assert "" in PAGES and len(PAGES) >= 2, PAGES
    if (ROOT / "mkdocs.zh.yml").exists():
        assert sorted(_nav_pages("mkdocs.zh.yml")) == sorted(PAGES)
