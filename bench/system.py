"""Debian packages the benchmark needs, installed only when missing (idempotent)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

# package -> a file that exists once it is installed
PACKAGES = {
    "wrk": "/usr/bin/wrk",
    "nginx": "/usr/sbin/nginx",
    "libnginx-mod-http-brotli-static": "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so",
    "chromium": "/usr/bin/chromium",
}


def missing_packages() -> list[str]:
    return [name for name, path in PACKAGES.items() if not Path(path).exists()]


def ensure_packages(data_dir: Path) -> None:
    """apt-get install what is missing, without letting Debian start nginx as a service."""
    missing = missing_packages()
    if not missing:
        return
    if os.geteuid() != 0:
        raise SystemExit(
            "The benchmark needs these Debian packages: " + " ".join(missing) + ". "
            "Install them as root (apt-get install " + " ".join(missing) + ") and run again."
        )
    # invoke-rc.d asks this script whether a service may start: it says no (101), so the
    # package's nginx is never started on port 80; the benchmark starts its own on 127.0.0.1.
    data_dir.mkdir(parents=True, exist_ok=True)
    policy = data_dir / "policy-rc.d"
    policy.write_text("#!/bin/sh\nexit 101\n", encoding="utf-8")
    policy.chmod(0o755)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive", "POLICYRCD": str(policy)}
    print("Installing Debian packages:", " ".join(missing), flush=True)
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing],
        check=True,
        env=env,
    )
    still = missing_packages()
    if still:
        raise SystemExit("Could not install: " + " ".join(still))


def tool(name: str) -> str:
    found = shutil.which(name) or PACKAGES.get(name)
    if not found:
        raise SystemExit(f"{name} is not installed")
    return found
