"""Faults in regeneration, as a careless user or a crash meets them: SIGKILL at every system call of a
write, unwritable targets, a full disk, stale temp files, missing site sources, Ctrl-C and a killed parent
with workers running, broken templates, bad DERIVE_JOBS, and what the fast paths must not import.

Most tests work in a copy of the checkout that starts from this checkout's build cache, so the copy
builds in well under a second; the Ctrl-C and parent-kill tests need real workers and run cold."""
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_derive

from derive import cli, pipeline, rendering


@pytest.fixture
def repo(repo_copy):
    """A copy with this checkout's build cache: unchanged derivations come from it."""
    if (ROOT / ".derive-cache").is_dir() and not (repo_copy / ".derive-cache").exists():
        shutil.copytree(ROOT / ".derive-cache", repo_copy / ".derive-cache",
                        ignore=shutil.ignore_patterns("*.tmp"))
    return repo_copy


def one_error_line(result) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and ".derive-cache" not in p.parts
            and "mathjax" not in p.parts}


# ----------------------------------------------------------------------------------------------------
# SIGKILL at every system call of a write: every output old or new and whole
# ----------------------------------------------------------------------------------------------------
OLD = {"docs/a.md": "old a\n" * 50, "docs/b.md": "old b\n" * 50, "docs/orphan.md": "no derivation makes me\n",
       "derive/generated/x.py": "old = 1\n", "mkdocs.yml": "site_name: old\n"}
NEW = {"docs/a.md": "new a\n" * 60, "docs/b.md": "new b\n" * 40, "docs/c.md": "a new page\n",
       "derive/generated/x.py": "new = 2\n", "mkdocs.yml": "site_name: new\n",
       "docs/assets/plots/p.svg": "<svg/>\n"}

KILLER = """
import os, signal, sys
from pathlib import Path
from derive import pipeline
call, at = sys.argv[1], int(sys.argv[2])
real, seen = getattr(os, call, None), [0]
def fault(*args, **kwargs):
    if seen[0] == at:
        os.kill(os.getpid(), signal.SIGKILL)
    seen[0] += 1
    return real(*args, **kwargs)
if call != "none":
    setattr(os, call, fault)
files = {rel: data.encode() for rel, data in %r.items()}
pipeline.write(pipeline.Built(files=files, full=True), root=Path(sys.argv[3]))
print("finished")
""" % (NEW,)


def _plant(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
    for rel, data in OLD.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(data)


def _write_with_fault(root: Path, call: str, at: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", KILLER, call, str(at), str(root)], cwd=ROOT, capture_output=True,
                          text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)


def _temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.tmp")]


@pytest.mark.parametrize("call", ["open", "write", "fsync", "close", "chmod", "replace", "unlink"])
def test_sigkill_at_every_call_leaves_each_output_old_or_new_and_whole(tmp_path, call):
    root = tmp_path / "tree"
    staged_files = len(NEW)  # every changed output is written and fsynced before the first rename
    kills = 0
    for at in range(40):
        _plant(root)
        result = _write_with_fault(root, call, at)
        if "finished" in result.stdout:
            break
        assert result.returncode == -signal.SIGKILL, result.stderr
        kills += 1
        state = {}
        for rel in set(OLD) | set(NEW):
            path = root / rel
            data = path.read_text() if path.exists() else None
            assert data in (OLD.get(rel), NEW.get(rel)), (call, at, rel, data)
            state[rel] = "new" if data == NEW.get(rel) and data != OLD.get(rel) else "old"
        if call in ("write", "chmod") and at < staged_files or call == "fsync" and at < staged_files:
            # killed while staging: nothing was renamed yet
            assert set(state.values()) == {"old"}, (call, at, state)
        # the next run (check, then build) sees the temp files of the killed process and removes them
        built = pipeline.Built(files={rel: data.encode() for rel, data in NEW.items()}, full=True)
        reported = [line for line in pipeline.stale(built, root) if "interrupted build" in line]
        assert len(reported) == len(_temps(root)), (reported, _temps(root))
        clean = _write_with_fault(root, "none", 0)
        assert "finished" in clean.stdout, clean.stderr
        assert not _temps(root)
        assert {rel: (root / rel).read_text() for rel in NEW} == NEW
        assert not (root / "docs/orphan.md").exists()
    assert kills >= 1, f"the fault in os.{call} never fired"


def test_temp_files_of_a_live_build_are_left_alone(tmp_path):
    (tmp_path / "docs").mkdir()
    mine = tmp_path / "docs" / f".a.md.{os.getpid()}.abc.tmp"
    dead = tmp_path / "docs" / ".a.md.4194305.abc.tmp"  # above any pid_max: no such process
    mine.write_text("in flight")
    dead.write_text("left by a killed build")
    assert rendering.stale_temps([tmp_path / "docs"]) == [dead]


# ----------------------------------------------------------------------------------------------------
# unwritable targets and a full disk: one line naming the real file and the cause, nothing changed
# ----------------------------------------------------------------------------------------------------
def _make_stale(repo: Path) -> dict[str, bytes]:
    for rel in ("docs/a6-2-max.md", "docs/errata.md", "derive/generated/softmax.py"):
        (repo / rel).write_text("stale on purpose\n")
    return tree_bytes(repo)


def test_a_target_that_is_a_directory_stops_the_build_before_any_rename(repo):
    # as root, chmod does not stop a write; a directory where the file should be does: the rename fails
    before = _make_stale(repo)
    target = repo / "docs/assets/plots/smooth-max.svg"
    target.unlink()
    target.mkdir()
    (target / "keep").write_text("x")
    before = tree_bytes(repo)
    out = run_derive("build", "-q", cwd=repo)
    assert out.returncode == 1
    assert one_error_line(out) == "derive: error: cannot write docs/assets/plots/smooth-max.svg: Is a directory"
    assert tree_bytes(repo) == before
    assert not _temps(repo)


def test_a_folder_that_is_a_file_stops_the_build_before_any_rename(repo):
    _make_stale(repo)
    plots = repo / "docs/assets/plots"
    shutil.rmtree(plots)
    plots.write_text("a file where the plots folder should be\n")
    before = tree_bytes(repo)
    out = run_derive("build", "-q", cwd=repo)
    assert out.returncode == 1
    line = one_error_line(out)
    assert line.startswith("derive: error: cannot write docs/assets/plots/") and line.endswith(": Not a directory")
    assert tree_bytes(repo) == before
    assert not _temps(repo)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through a read-only folder")
def test_a_read_only_folder_stops_the_build(repo):
    _make_stale(repo)
    before = tree_bytes(repo)
    (repo / "docs").chmod(0o555)
    try:
        out = run_derive("build", "-q", cwd=repo)
    finally:
        (repo / "docs").chmod(0o755)
    assert out.returncode == 1
    assert "cannot write docs/" in one_error_line(out) and "Permission denied" in out.stderr
    assert tree_bytes(repo) == before


def _files(tmp_path):
    old = {tmp_path / "d" / f"f{i}.md": f"old {i}\n".encode() for i in range(4)}
    for path, data in old.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    new = {path: f"new {i}\n".encode() * 100 for i, path in enumerate(old)}
    new[tmp_path / "d" / "sub" / "fresh.md"] = b"a new file in a new folder\n"
    return old, new


def test_a_full_disk_while_staging_changes_nothing(tmp_path, monkeypatch):
    old, new = _files(tmp_path)
    real_write, calls = os.write, []

    def full(fd, data):
        calls.append(fd)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(rendering.WriteError, match=r"^cannot write .*f2\.md: No space left on device$"):
        rendering.commit(new)
    assert {p: p.read_bytes() for p in old} == old
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["f0.md", "f1.md", "f2.md", "f3.md"]


def test_a_rename_that_fails_after_others_succeeded_is_rolled_back(tmp_path, monkeypatch):
    old, new = _files(tmp_path)
    real_replace, calls = os.replace, []

    def read_only(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", read_only)
    with pytest.raises(rendering.WriteError, match="Read-only file system"):
        rendering.commit(new)
    monkeypatch.setattr(os, "replace", real_replace)
    assert {p: p.read_bytes() for p in old} == old
    assert not (tmp_path / "d" / "sub").exists()
    assert not list(tmp_path.rglob("*.tmp"))


def test_ctrl_c_during_the_renames_waits_for_the_last_one(tmp_path, monkeypatch):
    old, new = _files(tmp_path)
    real_replace, calls = os.replace, []

    def interrupted(src, dst):
        calls.append(dst)
        if len(calls) == 1:
            os.kill(os.getpid(), signal.SIGINT)
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        rendering.commit(new)
    assert {p: p.read_bytes() for p in new} == new  # all renamed, then the interrupt


# ----------------------------------------------------------------------------------------------------
# derive check: stale temp files and missing site sources
# ----------------------------------------------------------------------------------------------------
def test_check_reports_stale_temp_files_and_missing_site_sources_and_build_removes_the_temps(repo):
    temp = repo / "docs" / ".a6-2-max.md.4194305.k3j4.tmp"
    temp.write_text("half a page")
    (repo / "docs/assets/javascripts/mathjax-config.js").unlink()
    out = run_derive("check", "-q", cwd=repo)
    assert out.returncode == 1, out.stdout
    assert "docs/.a6-2-max.md.4194305.k3j4.tmp (temp file left by an interrupted build" in out.stdout
    assert ("docs/assets/javascripts/mathjax-config.js (missing site source, referenced by mkdocs.yml "
            "extra_javascript)") in out.stdout
    out = run_derive("build", "-q", cwd=repo)
    assert out.returncode == 0, out.stderr
    assert not temp.exists()


def test_check_reports_a_missing_snippet_and_mathjax(repo):
    mathjax = repo / "docs/assets/mathjax"
    if mathjax.is_symlink():
        mathjax.unlink()
    else:
        shutil.rmtree(mathjax, ignore_errors=True)
    built = pipeline.Built(files={"mkdocs.yml": (repo / "mkdocs.yml").read_bytes(),
                                  "docs/page.md": b'x\n    --8<-- "derive/generated/nothing_here.py"\n'})
    missing = pipeline.missing_site_sources(built, repo)
    assert any(line.startswith("derive/generated/nothing_here.py (missing site source") for line in missing), missing
    assert any(line.startswith("docs/assets/mathjax/tex-chtml-nofont.js") and "npm ci" in line for line in missing)


# ----------------------------------------------------------------------------------------------------
# Ctrl-C and a killed parent: no worker left running
# ----------------------------------------------------------------------------------------------------
def _children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _wait_gone(workers: list[int]) -> list[int]:
    """Wait up to 10 s for ``workers`` to end; kill (and return) any still running, so a failing test
    leaves no process behind."""
    deadline = time.monotonic() + 10
    while any(_running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [w for w in workers if _running(w)]
    for w in left:
        os.kill(w, signal.SIGKILL)
    return left


def _start_cold_build(repo: Path) -> tuple[subprocess.Popen, list[int]]:
    env = dict(os.environ, PYTHONPATH=str(repo), DERIVE_CACHE="0", DERIVE_JOBS="2")
    env.pop("DERIVE_DEBUG", None)
    proc = subprocess.Popen([sys.executable, "-m", "derive", "build", "-q"], cwd=repo, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        workers = _children(proc.pid)
        if len(workers) >= 2:
            time.sleep(1.0)  # let them get into their derivations
            return proc, _children(proc.pid)
        if proc.poll() is not None:
            pytest.fail(f"the build ended before its workers started: {proc.communicate()}")
        time.sleep(0.1)
    proc.kill()
    pytest.fail("no workers after 300 s")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_ctrl_c_gives_one_line_and_stops_the_workers(repo_copy):
    proc, workers = _start_cold_build(repo_copy)
    before = tree_bytes(repo_copy)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the build did not stop within 60 s of Ctrl-C")
    assert proc.returncode == 130
    left = _wait_gone(workers)
    assert err.strip().splitlines() == ["derive: interrupted; no output was changed half-way"], err
    assert not left, f"workers still running after Ctrl-C: {left}"
    assert tree_bytes(repo_copy) == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_killing_the_main_process_does_not_leave_workers_running(repo_copy):
    proc, workers = _start_cold_build(repo_copy)
    assert workers
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    left = _wait_gone(workers)
    assert not left, f"workers still running after their parent was killed: {left}"


# ----------------------------------------------------------------------------------------------------
# broken templates: the template file and line, exit 2
# ----------------------------------------------------------------------------------------------------
@pytest.fixture
def templates(tmp_path, monkeypatch):
    import jinja2

    env = rendering.environment()
    env.loader = jinja2.FileSystemLoader(str(tmp_path))
    monkeypatch.setattr(rendering, "_ENV", env)
    return tmp_path


@pytest.mark.parametrize("body, message", [
    ("line one\n{{ 1 + 1 }}\n{{ no_such_name }}\n", "bad.j2:3: 'no_such_name' is undefined"),
    ("a\nb\n{{ 1 + 'x' }}\n", "bad.j2:3: TypeError: unsupported operand"),
    ("a\n{% for x in %}\n", "bad.j2:2: "),
    ("a\n{{ 5 | no_such_filter }}\n", "bad.j2:2: "),
])
def test_a_broken_template_names_its_file_and_line(templates, body, message):
    (templates / "bad.j2").write_text(body)
    with pytest.raises(rendering.TemplateError) as err:
        rendering.render("bad.j2")
    assert message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("body, line", [
    ("x = 1\n{% if True %}\ndef f(:\n    pass\n{% endif %}\n", 3),
    ("x = 1\n{% for l in lines %}\n{{ l }}\n{% endfor %}\n", 3),
])
def test_a_code_template_that_writes_invalid_python_names_the_template_line(templates, body, line):
    from derive.codegen import check_compiles

    (templates / "code.py.j2").write_text(body)
    context = {"lines": ["a = 1", "b = (", "c = 2"]}
    source = rendering.render("code.py.j2", **context)
    with pytest.raises(rendering.TemplateError) as err:
        check_compiles(source, "code.py.j2", context, "derive/generated/x.py")
    assert f"code.py.j2:{line}: it generates invalid Python at derive/generated/x.py:" in str(err.value)


def test_a_broken_code_template_in_a_build_is_one_line_with_file_and_line_and_exit_2(repo):
    template = repo / "templates/code/softmax.py.j2"  # the template of max-logsumexp's generated module
    lines = template.read_text().splitlines(keepends=True)
    at = next(i for i, text in enumerate(lines) if text.startswith("import numpy")) + 1
    lines.insert(at, "def broken(:\n")
    template.write_text("".join(lines))
    before = tree_bytes(repo)
    out = run_derive("build", "-q", "max-logsumexp", cwd=repo, env={"DERIVE_JOBS": "1"})
    assert out.returncode == 2
    line = one_error_line(out)
    assert f"templates/code/softmax.py.j2:{at + 1}: it generates invalid Python at derive/generated/" in line, line
    assert tree_bytes(repo) == before


def test_an_undefined_name_in_the_page_template_is_one_line_with_file_and_line_and_exit_2(repo):
    template = repo / "templates/page.md.j2"
    lines = template.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("{% import")) + 1  # after the header comment
    lines.insert(at, "{{ no_such_value }}\n")
    template.write_text("".join(lines))
    before = tree_bytes(repo)
    out = run_derive("build", "-q", "max-logsumexp", cwd=repo, env={"DERIVE_JOBS": "1"})
    assert out.returncode == 2
    assert one_error_line(out) == (f"derive: error: broken template templates/page.md.j2:{at + 1}: "
                                   "'no_such_value' is undefined")
    assert tree_bytes(repo) == before


# ----------------------------------------------------------------------------------------------------
# the command line
# ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["abc", "0", "-2", "1.5"])
def test_a_bad_derive_jobs_is_one_line_and_exit_2(repo, value):
    out = run_derive("check", "-q", cwd=repo, env={"DERIVE_JOBS": value})
    assert out.returncode == 2
    assert one_error_line(out) == (f"derive: error: DERIVE_JOBS must be a positive integer (worker processes) or "
                                   f"unset; got {value!r}")


def test_an_empty_derive_jobs_means_unset(repo):
    out = run_derive("check", "-q", cwd=repo, env={"DERIVE_JOBS": " "})
    assert out.returncode == 0, out.stdout + out.stderr


def test_options_may_stand_between_names():
    args = cli.parse(["build", "max-logsumexp", "-q", "rnn-jacobian", "--timings"])
    assert args.names == ["max-logsumexp", "rnn-jacobian"] and args.quiet and args.timings
    args = cli.parse(["verify", "rnn-jacobian", "max-logsumexp"])
    assert args.names == ["rnn-jacobian", "max-logsumexp"]
    with pytest.raises(cli.UsageError, match="unknown command 'biuld'; did you mean 'build'"):
        cli.parse(["biuld", "x"])
    with pytest.raises(cli.UsageError, match="before the command"):
        cli.parse(["-q", "build"])


def test_bench_help_prints_usage():
    out = subprocess.run([sys.executable, "-m", "derive.bench", "--help"], cwd=ROOT, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: python -m derive.bench") and "build" in out.stdout
    out = subprocess.run([sys.executable, "-m", "derive.bench", "biuld"], cwd=ROOT, capture_output=True,
                         text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=60)
    assert out.returncode == 2 and "did you mean 'build'" in out.stderr


IMPORTS = """
import sys
from derive.cli import main
try:
    main(sys.argv[1:])
except SystemExit:  # --help
    pass
print(sorted(m for m in ('sympy', 'matplotlib', 'torch', 'jinja2', 'mpmath') if m in sys.modules))
"""


@pytest.mark.parametrize("args", [("--help",), ("list",), ("build", "-q"), ("check", "-q")])
def test_help_list_and_an_unchanged_build_import_no_heavy_library(repo, args):
    assert run_derive("build", "-q", cwd=repo).returncode == 0  # the cache is fresh from here on
    out = subprocess.run([sys.executable, "-c", IMPORTS, *args], cwd=repo, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(repo)), timeout=600)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


def test_list_from_the_cache_still_reports_a_module_that_does_not_import(repo):
    (repo / "derive/derivations/broken.py").write_text(
        "from ..registry import register\n\n\n@register('broken')\ndef derivation(:\n    pass\n")
    out = run_derive("list", cwd=repo)
    assert out.returncode == 1
    assert "max-logsumexp" in out.stdout
    assert "derive/derivations/broken.py:5" in out.stderr and "Traceback" not in out.stderr


def test_timings_list_the_slowest_derivations_and_checks(repo):
    out = run_derive("check", "-q", "--timings", cwd=repo)
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    assert "slowest derivations" in text and "slowest checks" in text
    rows = text.split("slowest checks", 1)[1].strip().splitlines()[1:4]
    assert len(rows) == 3 and all(r.split()[0].replace(".", "").isdigit() for r in rows), rows


# ----------------------------------------------------------------------------------------------------
# the exact zero test has a budget on every path
# ----------------------------------------------------------------------------------------------------
def test_exact_zero_stops_within_its_budget_even_in_expand():
    import sympy as sp

    from derive.checking import cpu_time, exact_zero

    xs = sp.symbols("x1:9")
    heavy = sp.Add(*xs) ** 10 - sp.Add(*xs[:-1], 2 * xs[-1]) ** 10  # expand alone: ~9 s of CPU
    start = cpu_time()  # this process and the exact test's fork
    assert exact_zero(heavy, budget=0.5) is None
    assert cpu_time() - start < 4.0
    start = cpu_time()
    assert exact_zero(heavy, budget=0.5, given={xs[-1]: xs[0] ** 3}) is None
    assert cpu_time() - start < 4.0
    assert exact_zero(sp.sin(xs[0]) ** 2 + sp.cos(xs[0]) ** 2 - 1) is not None
