"""nginx's configuration: rendered from the template, proxying with keep-alive upstreams."""

import subprocess
from pathlib import Path

import pytest
from bench.nginx import TemplateError, render, render_config, write_config
from bench.tools import which


def test_config_fills_every_placeholder(tmp_path: Path) -> None:
    text = render_config(tmp_path, listen_port=41001, upstream_port=41002)
    assert "{{" not in text
    assert "listen 127.0.0.1:41001;" in text
    assert "server 127.0.0.1:41002;" in text
    assert f"pid {tmp_path}/nginx.pid;" in text


def test_config_is_the_fair_comparison(tmp_path: Path) -> None:
    lines = {line.strip() for line in render_config(tmp_path, 1, 2).splitlines()}
    for wanted in [
        "worker_processes 1;",
        "daemon off;",
        "access_log off;",
        "keepalive 64;",
        "proxy_http_version 1.1;",
        'proxy_set_header Connection "";',
        "proxy_pass http://pets;",
    ]:
        assert wanted in lines


def test_render_rejects_missing_and_unused_values() -> None:
    assert render("a {{X}} b {{X}}", {"X": "1"}) == "a 1 b 1"
    with pytest.raises(TemplateError, match="no value for"):
        render("{{X}} {{Y}}", {"X": "1"})
    with pytest.raises(TemplateError, match="not in the template: Z"):
        render("{{X}}", {"X": "1", "Z": "2"})


@pytest.mark.skipif(
    which("nginx") is None, reason="nginx is missing: make test and make bench install it as root"
)
def test_nginx_accepts_the_config(tmp_path: Path) -> None:
    nginx = which("nginx")
    assert nginx is not None
    conf = write_config(tmp_path, 41001, 41002)
    done = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-c", str(conf)],
        capture_output=True, text=True, timeout=20, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr
