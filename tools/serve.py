"""Scale out: N Streamlit replicas on loopback ports behind Debian's nginx, with sticky sessions.

`make serve REPLICAS=2` (or `python tools/serve.py --replicas 2 --port 8501`) runs until Ctrl-C.

Why each piece:
- Streamlit keeps a session's state in the process that holds its websocket, and uploads,
  downloads and media are served by that same process. So every request of one browser must reach
  one replica: nginx sets a cookie (`rnnvis_route`, a random id) on the first response and routes by
  a consistent hash of it. IP hashing would send a whole lecture hall behind one campus NAT to one
  replica; the cookie spreads students evenly.
- The websocket (`/_stcore/stream`) needs HTTP/1.1 and the Upgrade/Connection headers passed on,
  and long read timeouts (a student may read for minutes between clicks).
- Streamlit serves its JavaScript uncompressed (~9.5 MB per first visit, a 4.7 MB Plotly chunk
  among it). nginx serves `/static/` itself from a mirror of Streamlit's static folder with
  gzip'ed copies made once (`gzip_static`), so replicas never spend CPU on files and a class
  downloads ~3 MB each instead of ~9.5 MB.
- All replicas share one cookie secret, so Streamlit's XSRF cookie checks out on any of them.

The nginx configuration is written by `nginx_conf` (pure; tested) into `.cache/serve/`; nginx runs
unprivileged paths only (pid, logs and temp files under that folder).
"""

from __future__ import annotations

import argparse
import gzip
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "serve"
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
COOKIE = "rnnvis_route"
GZIP_SUFFIXES = (".js", ".css", ".json", ".svg", ".map", ".txt", ".html", ".ttf", ".wasm")


def nginx_conf(
    replica_ports: Sequence[int],
    listen: str,
    prefix: Path,
    static_root: Path | None,
    *,
    as_root: bool = False,
) -> str:
    """The nginx configuration: cookie-sticky upstream of the replicas, websocket upgrade, gzip.

    Args:
        replica_ports: the loopback ports of the Streamlit replicas.
        listen: nginx's listen address, e.g. "127.0.0.1:8501" or "8501".
        prefix: folder for the pid file, logs and temp files.
        static_root: a mirror of Streamlit's static folder with .gz copies, or None to proxy /static/.
        as_root: nginx started by root: keep workers on the same user (the files are ours).
    """
    if not replica_ports:
        raise ValueError("at least one replica")
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in replica_ports)
    temp = "\n".join(
        f"    {name}_temp_path {prefix / 'tmp' / name};"
        for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    static = (
        f"""
        location /static/ {{
            alias {static_root}/;
            gzip_static on;
            expires 30d;
            add_header Cache-Control "public, immutable";
            add_header X-Served-By nginx-static;
        }}"""
        if static_root is not None
        else ""
    )
    return f"""# Written by tools/serve.py; regenerated on every start.
{"user root root;" if as_root else ""}
worker_processes auto;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
daemon off;

events {{
    worker_connections 4096;
}}

http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
{temp}
    sendfile on;
    tcp_nodelay on;

    # Dynamic responses (HTML, JSON); the big JavaScript comes precompressed from /static/.
    gzip on;
    gzip_comp_level 5;
    gzip_min_length 1024;
    gzip_proxied any;
    gzip_vary on;
    gzip_types text/css text/plain application/javascript text/javascript application/json image/svg+xml;

    # Sticky sessions by cookie: the first response sets a random route id, and every later
    # request of that browser (page, websocket, upload, download) hashes to the same replica.
    map $cookie_{COOKIE} $rnnvis_route {{
        "" $request_id;
        default $cookie_{COOKIE};
    }}
    map $cookie_{COOKIE} $rnnvis_set_cookie {{
        "" "{COOKIE}=$request_id; Path=/; HttpOnly; SameSite=Lax";
        default "";
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        "" close;
    }}

    upstream streamlit {{
        hash $rnnvis_route consistent;
{servers}
    }}

    server {{
        listen {listen};
        client_max_body_size 6m;  # Streamlit's own upload limit is 5 MB (.streamlit/config.toml)
        add_header Set-Cookie $rnnvis_set_cookie always;
        add_header X-Replica $upstream_addr always;
{static}
        location / {{
            proxy_pass http://streamlit;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            proxy_buffering off;
        }}
    }}
}}
"""


def static_mirror(dest_root: Path = CACHE / "static") -> Path:
    """Streamlit's /static/ files with .gz copies, made once per Streamlit version; returns the folder."""
    import streamlit

    src = Path(streamlit.__file__).parent / "static" / "static"
    dest = dest_root / streamlit.__version__
    stamp = dest / ".complete"
    if stamp.exists():
        return dest
    tmp = dest.with_name(dest.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(src, tmp)
    for path in tmp.rglob("*"):
        if path.is_file() and path.suffix in GZIP_SUFFIXES and path.stat().st_size > 1024:
            with open(path, "rb") as f_in, gzip.open(f"{path}.gz", "wb", compresslevel=9) as f_out:
                shutil.copyfileobj(f_in, f_out)
    (tmp / ".complete").touch()
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, procs: Sequence[subprocess.Popen], timeout: float = 60.0) -> None:
    """Poll url until it answers 200; RuntimeError if a process dies or time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode} before {url} was healthy")
        try:
            if urllib.request.urlopen(url, timeout=2).status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not become healthy within {timeout:g} s")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@dataclass
class Cluster:
    """A running deployment: the balancer's URL, the replicas' processes and URLs, nginx's process."""

    url: str
    replicas: list[subprocess.Popen]
    replica_urls: list[str]
    nginx: subprocess.Popen


@contextmanager
def cluster(
    replicas: int,
    *,
    listen_host: str = "127.0.0.1",
    port: int | None = None,
    root: Path = ROOT,
    app: str = "app.py",
    prefix: Path | None = None,
    extra: Sequence[str] = (),
    log=subprocess.DEVNULL,
) -> Iterator[Cluster]:
    """Start `replicas` Streamlit processes and nginx in front; stop them all when the block ends."""
    if replicas < 1:
        raise ValueError("at least one replica")
    if not Path(NGINX).exists():
        raise RuntimeError(f"nginx not found at {NGINX}: run `make serve`, which installs Debian's nginx")
    port = port or free_port()
    prefix = prefix or CACHE / f"nginx-{port}"
    (prefix / "tmp").mkdir(parents=True, exist_ok=True)
    secret = secrets.token_hex(16)
    ports = [free_port() for _ in range(replicas)]
    with ExitStack() as stack:
        procs = []
        for p in ports:
            proc = subprocess.Popen(
                [
                    *(sys.executable, "-m", "streamlit", "run", app),
                    *("--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(p)),
                    *("--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"),
                    *extra,
                ],
                cwd=root,
                env={**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": secret},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            stack.callback(_stop, proc)
            procs.append(proc)
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        for url in urls:
            wait_healthy(f"{url}/_stcore/health", procs)
        conf = prefix / "nginx.conf"
        conf.write_text(
            nginx_conf(
                ports,
                f"{listen_host}:{port}",
                prefix,
                static_mirror(),
                as_root=os.geteuid() == 0,
            )
        )
        nginx = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")])
        stack.callback(_stop, nginx)
        host = "127.0.0.1" if listen_host in ("0.0.0.0", "") else listen_host
        base = f"http://{host}:{port}"
        wait_healthy(f"{base}/_stcore/health", [*procs, nginx])
        yield Cluster(base, procs, urls, nginx)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--replicas", type=int, default=2, help="Streamlit processes (default: 2; about one per core)")
    p.add_argument("--port", type=int, default=8501, help="port nginx listens on (default: 8501)")
    p.add_argument("--host", default="0.0.0.0", help="address nginx listens on (default: all interfaces)")
    args = p.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with cluster(args.replicas, listen_host=args.host, port=args.port, log=None) as c:
        print(f"serving {args.replicas} replicas ({', '.join(c.replica_urls)}) behind nginx at {c.url}", flush=True)
        try:
            while all(proc.poll() is None for proc in (*c.replicas, c.nginx)):
                time.sleep(1)
        except KeyboardInterrupt:
            return 0
    print("a replica or nginx stopped; shutting down", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
