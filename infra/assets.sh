#!/usr/bin/env bash
# The front-end libraries SafeLoop serves from its own static files (no CDN), as
# package.json names them and package-lock.json pins them, into node_modules/:
# `npm ci` where npm is installed; otherwise the same tarballs from the npm registry,
# each checked against the lock's sha512 before it is unpacked. Settings serve
# node_modules/echarts/dist/ as static/safeloop/vendor/echarts/. Runs again only
# when the lock changed. Usage: infra/assets.sh [python]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${1:-python3}
stamp=node_modules/.safeloop-lock
if [ -f "$stamp" ] && cmp -s package-lock.json "$stamp"; then
  exit 0
fi
if command -v npm >/dev/null 2>&1; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
else
  "$PYTHON" - <<'PY'
import base64, hashlib, io, json, shutil, tarfile, urllib.request
from pathlib import Path

registry = "https://registry.npmjs.org"
lock = json.loads(Path("package-lock.json").read_text())
shutil.rmtree("node_modules", ignore_errors=True)
for key, meta in lock["packages"].items():
    if not key:
        continue
    name = key.removeprefix("node_modules/")
    url = meta.get("resolved") or f"{registry}/{name}/-/{name.split('/')[-1]}-{meta['version']}.tgz"
    data = urllib.request.urlopen(url, timeout=60).read()
    algorithm, digest = meta["integrity"].split("-", 1)
    if base64.b64encode(hashlib.new(algorithm, data).digest()).decode() != digest:
        raise SystemExit(f"{name} {meta['version']}: the download does not match package-lock.json")
    target = Path(key)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        for member in archive.getmembers():
            if not member.isfile() or ".." in Path(member.name).parts:
                continue
            path = target / Path(member.name).relative_to(Path(member.name).parts[0])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(archive.extractfile(member).read())
print("Front-end libraries unpacked from the npm registry (no npm here).")
PY
fi
test -f node_modules/echarts/dist/echarts.min.js
cp package-lock.json "$stamp"
