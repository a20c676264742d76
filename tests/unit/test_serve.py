"""The scale-out deployment's nginx configuration (pure), checked by nginx itself when installed."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tools import serve


def test_config_routes_by_cookie_upgrades_websockets_and_compresses(tmp_path):
    conf = serve.nginx_conf([9001, 9002, 9003], "127.0.0.1:8501", tmp_path, tmp_path / "static")
    for port in (9001, 9002, 9003):
        assert f"server 127.0.0.1:{port}" in conf
    assert "hash $rnnvis_route consistent;" in conf  # sticky: one browser, one replica
    assert "ip_hash" not in conf  # a lecture hall behind one NAT would land on one replica
    assert "proxy_set_header Upgrade $http_upgrade;" in conf and "proxy_http_version 1.1;" in conf
    assert "gzip on;" in conf and "application/javascript" in conf and "gzip_static on;" in conf
    assert f"pid {tmp_path / 'nginx.pid'};" in conf and "listen 127.0.0.1:8501;" in conf
    assert "user root" not in conf


def test_config_needs_a_replica(tmp_path):
    with pytest.raises(ValueError):
        serve.nginx_conf([], "8501", tmp_path, None)


@pytest.mark.skipif(not shutil.which("nginx") and not shutil.which("/usr/sbin/nginx"), reason="nginx not installed")
def test_nginx_accepts_the_config(tmp_path):
    (tmp_path / "tmp").mkdir()
    (tmp_path / "static").mkdir()
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        serve.nginx_conf(
            [9001, 9002],
            f"127.0.0.1:{serve.free_port()}",
            tmp_path,
            tmp_path / "static",
            as_root=os.geteuid() == 0,
        )
    )
    out = subprocess.run(
        [serve.NGINX, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
