"""The README's library example runs as written and does what its comments say."""

from __future__ import annotations

import re
from pathlib import Path

import dtao

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_library_example(capsys):
    code = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)[0]
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    net, alpha, tao = scope["net"], scope["alpha"], scope["tao"]
    assert net.params.era == "current" and net.block == 362 and alpha > 0 and tao > 0
    # the 14bc6f9 epoch scheduler (summer-2026, kept by current): subnet 1's first epoch ran at
    # block 360 of the 361 stepped, and paid its neurons
    assert net.subnet(1).last_epoch_block == 360 and net.neurons(1).emission.sum() > 0
    again = dtao.Network.from_json(scope["text"])
    assert again.block == net.block and again.stake("alice", "alice-hotkey", 1) > 0
    assert "α" in capsys.readouterr().out


def test_readme_records_example(capsys):
    first, second = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)[:2]
    scope: dict = {}
    exec(compile(first + second, "README.md", "exec"), scope)
    receipt = scope["receipt"]
    assert receipt.block == 363 and len(receipt.receipts) == 2
    assert [r.ok for r in receipt.receipts] == [True, True]
    assert scope["net"].balance("bob") == dtao.parse_amount("1")
    assert "[]" in capsys.readouterr().out.splitlines()[-1]  # nothing rejected
