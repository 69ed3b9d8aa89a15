"""The README's two commands, the CI script and the demo stay in step."""

import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).parent.parent


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    blocks = re.findall(r"```bash\n(.*?)\n```", readme, re.S)
    test_cmd = [b for b in blocks if "pytest" in b]
    assert len(test_cmd) == 1
    assert test_cmd[0] in ci.splitlines()


def test_readme_demo_command_runs():
    readme = (ROOT / "README.md").read_text()
    demo = [b for b in re.findall(r"```bash\n(.*?)\n```", readme, re.S) if "quickstart" in b]
    assert demo == ["pip install . && python examples/quickstart.py"]
    out = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "quickstart.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "twin == net: True" in out and "missing_keys=[]" in out
