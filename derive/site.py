"""The site-wide pages in both languages — home, errata, generated code, contributor guide, timing appendix —
and the two MkDocs configurations, rendered from every derivation's (portable) results: the same objects
whether they were checked just now or come from the cache, so a cold and a cached build agree byte for byte.
``build_site`` runs both MkDocs builds and writes the root page that sends a reader to their language."""
from __future__ import annotations

import json

from .i18n import LANGUAGES
from .rendering import render

# Pages that are not derivations, in nav order, with their titles; each is listed when the build produced it.
SITE_PAGES = (
    ("errata.md", {"en": "Errata", "zh": "勘误表"}),
    ("code.md", {"en": "Generated code", "zh": "生成的代码"}),
    ("timing.md", {"en": "Timing appendix", "zh": "附录：计时"}),
    ("contributing.md", {"en": "Contributing", "zh": "参与贡献"}),
)


def page_path(page: str, lang: str) -> str:
    """English in docs/, Chinese in docs/zh/ under the same name: both builds have the same paths, so the
    language switch stays on the page."""
    return f"docs/{page}" if lang == "en" else f"docs/zh/{page}"


def site_nav(present, derivations, lang: str = "en") -> list[tuple[str, str]]:
    """Home, one page per derivation in registry order, then the site pages this build produced
    (``present``: the paths of its files). Nothing here is typed per derivation."""
    present = set(present)
    nav = [("首页" if lang == "zh" else "Home", "index.md")]
    nav += [(f"{d.section} · {(d.title_zh if lang == 'zh' else (d.nav_title or d.title))}", d.page)
            for d in derivations]
    for page, titles in SITE_PAGES:
        if page_path(page, lang) in present:
            nav.append((titles[lang], page))
    return nav


def site_files(built) -> dict[str, bytes]:
    checked = {name: built.checked[name] for name in built.parts}
    summaries = {name: part.summary for name, part in built.parts.items()}
    derivations = [c.derivation for c in checked.values()]
    # each derivation's catalog (derive/i18n/zh/<module>.py), for its texts quoted on the site pages
    modules = {name: part.summary["module"] for name, part in built.parts.items()}
    files: dict[str, bytes] = {}
    for lang in LANGUAGES:
        common = {"derivations": derivations, "checked": checked, "summaries": summaries, "lang": lang,
                  "i18n_module": None, "modules": modules}
        for page, template in (("index.md", "index.md.j2"), ("errata.md", "errata.md.j2"),
                               ("code.md", "code.md.j2"), ("contributing.md", "contributing.md.j2")):
            files[page_path(page, lang)] = render(template, **common).encode("utf-8")
    claims = [r.to_json(name) for name, c in checked.items() for r in c.claims]
    files["docs/claims.json"] = (json.dumps(claims, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    # the timing appendix: its pages and plots, from the committed docs/timing/*.json (no torch needed)
    from .timing.page import outputs as timing_outputs

    files.update(timing_outputs())
    present = set(built.files) | set(files)
    files["mkdocs.yml"] = render("mkdocs.yml.j2", nav=site_nav(present, derivations, "en")).encode("utf-8")
    files["mkdocs.zh.yml"] = render("mkdocs.zh.yml.j2", nav=site_nav(present, derivations, "zh")).encode("utf-8")
    return files


ROOT_PAGE = """<!doctype html>
<html lang="zh">
<head>
<meta charset="utf-8">
<title>derive · A6</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script>location.replace((navigator.language || "").toLowerCase().startsWith("zh") ? "zh/" : "en/");</script>
<meta http-equiv="refresh" content="3; url=en/">
</head>
<body>
<p><a href="zh/" hreflang="zh">中文</a> · <a href="en/" hreflang="en">English</a></p>
</body>
</html>
"""


class SiteError(Exception):
    """A site build failed; the message is one line."""


def _pages(folder) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("index.html")}


def build_site(root, progress=print) -> None:
    """``mkdocs build --strict`` of both configurations (English into site/en, Chinese into site/zh), then
    site/index.html. Fails when either build fails or the two do not have the same pages (the language
    switch would land elsewhere)."""
    import importlib.util
    import subprocess
    import sys

    if importlib.util.find_spec("mkdocs") is None:
        raise SiteError("mkdocs is not installed: pip install -e \".[site]\"")
    for config in ("mkdocs.yml", "mkdocs.zh.yml"):
        if not (root / config).is_file():
            raise SiteError(f"{config} is missing: run 'derive build' first")
        progress(f"site: mkdocs build --strict -f {config}")
        done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", config],
                              cwd=root, capture_output=True, text=True)
        if done.returncode != 0:
            lines = [line for line in (done.stderr + done.stdout).splitlines() if line.strip()]
            sys.stderr.write("\n".join(lines[-20:]) + "\n")
            raise SiteError(f"mkdocs build -f {config} failed (exit {done.returncode}); its last lines are above")
    en, zh = _pages(root / "site" / "en"), _pages(root / "site" / "zh")
    if en != zh:
        raise SiteError("the two languages differ in pages: only English " + ", ".join(sorted(en - zh)) +
                        "; only Chinese " + ", ".join(sorted(zh - en)))
    (root / "site" / "index.html").write_text(ROOT_PAGE, encoding="utf-8")
    progress(f"site: {len(en)} pages in each language; open site/index.html (or serve site/)")
