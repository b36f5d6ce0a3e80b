"""graphkit.apart: calls in child processes that never import the caller's main script again."""

from __future__ import annotations

import operator
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graphkit import apart
from graphkit.dataset import DataError


def test_a_call_returns_its_value_and_runs_in_another_process() -> None:
    with apart.call(os.getpid) as child:
        assert child.result() != os.getpid()


def test_what_the_child_raises_is_raised_here_with_its_type_and_fields(tmp_path: Path) -> None:
    from graphkit.dataset import read_source

    bad = tmp_path / "s1.yaml"
    bad.write_text("id: s1\ntitle: t\ndate: 2020-02-31\n", encoding="utf-8")
    with pytest.raises(DataError) as error, apart.call(read_source, bad) as child:
        child.result()
    assert (error.value.path, error.value.line, error.value.field) == (str(bad), 3, "date")


def test_a_child_that_dies_is_reported_not_waited_for() -> None:
    with pytest.raises(apart.ChildFailed, match="status"), apart.call(os._exit, 3) as child:
        child.result()


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """What multiprocessing's spawn would get wrong: the script calls into a child at its top level."""
    script = tmp_path / "unguarded.py"
    marks = tmp_path / "marks"
    script.write_text(
        "import os\nfrom graphkit import apart\n"
        f"open({str(marks)!r}, 'a').write('ran\\n')\n"
        "print(apart.call(os.getpid).result() != os.getpid())\n",
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "True"
    assert marks.read_text(encoding="utf-8") == "ran\n"


def test_a_child_started_ahead_imports_its_modules_then_runs_the_call_sent_later() -> None:
    imported = "'graphkit.render' in __import__('sys').modules"
    with apart.Call("graphkit.render") as child:
        assert child.send(eval, imported).result() is True
        with pytest.raises(RuntimeError, match="one call"):
            child.send(eval, "1")
    assert apart.call(eval, imported).result() is False  # graphkit itself does not import the page


def test_a_child_started_ahead_and_never_sent_a_call_is_stopped() -> None:
    child: apart.Call[object] = apart.Call("graphkit.render")
    child.cancel()
    assert child._child.returncode is not None
    with pytest.raises(RuntimeError, match="no call"):
        child.result()


def test_a_warm_up_runs_before_the_call_and_its_failure_is_ignored(tmp_path: Path) -> None:
    mark = tmp_path / "mark"
    with apart.Call[str]() as child:
        child.ahead(Path.write_text, mark, "warmed").ahead(operator.truediv, 1, 0)  # the second fails: ignored
        assert child.send(Path.read_text, mark).result() == "warmed"
        with pytest.raises(RuntimeError, match="before the call"):
            child.ahead(os.getpid)
