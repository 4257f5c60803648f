"""`make lab` starts JupyterLab in the book's venv, the chapters' MyST .md sources opening as
notebooks (jupytext) by default."""

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab():
    """``make lab`` on a free localhost port with a random token; stopped afterwards."""
    port, token = _free_port(), secrets.token_hex(16)
    args = f"--no-browser --ServerApp.ip=127.0.0.1 --port={port} --IdentityProvider.token={token}"
    proc = subprocess.Popen(["make", "--no-print-directory", "-C", str(ROOT), "lab",
                             f"LAB_ARGS={args}"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    log = []
    try:
        for line in proc.stdout:  # wait until the server says where it listens
            log.append(line)
            if f"127.0.0.1:{port}/lab" in line:
                break
        else:
            pytest.fail("JupyterLab exited before serving:\n" + "".join(log))
        while True:  # the URL is logged just before the socket listens: wait for it (or exit)
            if proc.poll() is not None:
                pytest.fail("JupyterLab exited:\n" + "".join(log))
            try:
                socket.create_connection(("127.0.0.1", port)).close()
                break
            except OSError:
                time.sleep(0.2)

        def get(path):
            sep = "&" if "?" in path else "?"
            url = f"http://127.0.0.1:{port}{path}{sep}token={token}"
            with urllib.request.urlopen(url) as r:
                return r.status, r.read().decode()

        yield get
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # make, its shell and jupyter: the group we started
        proc.wait()


def test_lab_answers_on_localhost(lab):
    status, body = lab("/lab")
    assert status == 200 and "JupyterLab" in body


def test_a_chapter_source_opens_as_a_notebook(lab):
    status, body = lab("/api/contents/ch02_convolution.md?type=notebook&content=1")
    nb = json.loads(body)
    assert status == 200 and nb["type"] == "notebook"
    cells = nb["content"]["cells"]
    assert any(c["cell_type"] == "code" and "import cnnbook" in "".join(c["source"])
               for c in cells)


def test_markdown_files_open_in_the_notebook_view_by_default(lab):
    _, body = lab("/lab/api/settings/@jupyterlab/docmanager-extension:plugin")
    viewers = json.loads(body)["schema"]["properties"]["defaultViewers"]["default"]
    assert viewers["markdown"] == viewers["myst"] == "Jupytext Notebook"

