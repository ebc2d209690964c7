"""A bounded load client: threads + http.client, no dependency beyond the standard library.

    python -m tests.load.run --base-url http://127.0.0.1:8000 --seconds 30 --concurrency 8

Against a server with the demo data (``tests/load/serve.py`` starts one), for a fixed time:
sign-ins (token creation), recruiter candidate searches, job recommendations and identity
verification submissions (by the load members ``load-N@load.test`` that serve.py creates).
Reports requests per second, p50/p95 latency per kind and errors (any 5xx, any unexpected
status, any connection error). Exit status 1 when there were errors.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import statistics
import sys
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

DEMO_PASSWORD = "demo-pass-2023!"  # noqa: S105 - the published demo password
RECRUITER = "recruiter1@acme.demo"
RECOMMENDED_FOR = "member@demo.test"  # has job_recommendations consent in the demo
LOAD_EMAIL = "load-{n}@load.test"
# (kind, weight) of the request mix.
MIX = (("sign_in", 1), ("search", 3), ("recommend", 3), ("verify", 1))
SEARCHES = (
    "skills=python,django&match=all",
    "skills=python&match=any&location=jakarta",
    "q=engineer&min_years=2",
    "skills=react,typescript&match=any&verified=true",
)


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors[kind].append(error)


class Client:
    """One keep-alive connection per thread."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed between requests: reconnect once.
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")


def token(client: Client, email: str) -> str:
    body = json.dumps({"email": email, "password": DEMO_PASSWORD}).encode()
    status, data = client.request(
        "POST", "/api/v1/auth/token/", body, {"Content-Type": "application/json"}
    )
    if status != 200:
        raise RuntimeError(f"sign-in of {email} failed: {status} {data[:200]!r}")
    return json.loads(data)["token"]


def _multipart(fields: dict[str, str], files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for name, data in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{name}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'
        )
        parts.append(head.encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def nik(n: int) -> str:
    """A valid NIK (DKI Jakarta, male, born 12-05-1990) with serial ``n``."""
    return f"317409120590{n:04d}"


class Load:
    def __init__(self, base_url: str, seconds: float, concurrency: int, load_members: int) -> None:
        self.base_url = base_url
        self.seconds = seconds
        self.concurrency = concurrency
        self.stats = Stats()
        self.members = itertools.count(1)
        self.load_members = load_members
        self.lock = threading.Lock()
        from biometrics import demo_images

        self.demo_images = demo_images
        self.cards: dict[int, bytes] = {}
        self.selfie = demo_images.selfie_jpeg()
        setup = Client(base_url)
        self.recruiter = token(setup, RECRUITER)
        self.recommended = token(setup, RECOMMENDED_FOR)

    def _next_member(self) -> int | None:
        with self.lock:
            n = next(self.members)
        return n if n <= self.load_members else None

    def prepare(self, client: Client, kind: str) -> tuple[str, int, str] | None:
        """Sign a load member in before a submission (not timed); None when none are left."""
        if kind != "verify":
            return None
        member = self._next_member()
        if member is None:
            return None
        # Each member uploads a KTP printing their own NIK, as the document check requires;
        # drawn here, outside the timed request.
        self.cards[member] = self.demo_images.id_card_jpeg(
            name="LOAD MEMBER", nik=nik(member), birth="12-05-1990", sex_label="LAKI-LAKI"
        )
        return kind, member, token(client, LOAD_EMAIL.format(n=member))

    def one(
        self, client: Client, kind: str, n: int, prepared: tuple[str, int, str] | None
    ) -> tuple[str, int, set[int]]:
        """Send one request of ``kind``; return (kind, status, expected statuses)."""
        if kind == "sign_in":
            body = json.dumps({"email": RECRUITER, "password": DEMO_PASSWORD}).encode()
            status, _ = client.request(
                "POST", "/api/v1/auth/token/", body, {"Content-Type": "application/json"}
            )
            return kind, status, {200}
        if kind == "search" or (kind == "verify" and prepared is None):
            path = f"/api/v1/recruiter/candidates/?{SEARCHES[n % len(SEARCHES)]}"
            status, _ = client.request(
                "GET", path, headers={"Authorization": f"Token {self.recruiter}"}
            )
            return "search", status, {200}
        if kind == "recommend":
            status, _ = client.request(
                "GET",
                "/api/v1/jobs/recommended/",
                headers={"Authorization": f"Token {self.recommended}"},
            )
            return kind, status, {200}
        assert prepared is not None
        _kind, member, who = prepared
        fields = {
            "id_type": "ktp",
            "id_number": nik(member),
            "full_name": "Load Member",
            "date_of_birth": "1990-05-12",
            "sex": "M",
        }
        card = self.cards.pop(member)
        body, content_type = _multipart(fields, {"document": card, "selfie": self.selfie})
        status, _ = client.request(
            "POST",
            "/api/v1/me/verifications/",
            body,
            {"Content-Type": content_type, "Authorization": f"Token {who}"},
        )
        return kind, status, {202}

    def worker(self, index: int, stop_at: float) -> None:
        client = Client(self.base_url)
        plan = [kind for kind, weight in MIX for _ in range(weight)]
        for n in itertools.count(index):
            if time.monotonic() >= stop_at:
                return
            kind = plan[n % len(plan)]
            try:
                prepared = self.prepare(client, kind)
            except Exception as exc:  # a failed sign-in of a load member is an error too
                self.stats.record("sign_in", 0.0, f"{type(exc).__name__}: {exc}")
                continue
            started = time.perf_counter()
            try:
                kind, status, expected = self.one(client, kind, n, prepared)
                error = None if status in expected else f"HTTP {status}"
            except Exception as exc:  # a load client reports every failure, whatever it is
                error = f"{type(exc).__name__}: {exc}"
            self.stats.record(kind, time.perf_counter() - started, error)

    def run(self) -> dict[str, Any]:
        stop_at = time.monotonic() + self.seconds
        started = time.perf_counter()
        threads = [
            threading.Thread(target=self.worker, args=(i, stop_at), daemon=True)
            for i in range(self.concurrency)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.report(time.perf_counter() - started)

    def report(self, elapsed: float) -> dict[str, Any]:
        kinds = {}
        for kind, values in sorted(self.stats.latencies.items()):
            ordered = sorted(values)
            kinds[kind] = {
                "requests": len(values),
                "rps": round(len(values) / elapsed, 1),
                "p50_ms": round(statistics.median(ordered) * 1000, 1),
                "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1),
                "errors": len(self.stats.errors.get(kind, [])),
                "error_samples": sorted(set(self.stats.errors.get(kind, [])))[:5],
            }
        total = sum(k["requests"] for k in kinds.values())
        return {
            "seconds": round(elapsed, 1),
            "concurrency": self.concurrency,
            "requests": total,
            "rps": round(total / elapsed, 1),
            "errors": sum(k["errors"] for k in kinds.values()),
            "kinds": kinds,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--load-members", type=int, default=200)
    parser.add_argument("--json", help="also write the report to this file")
    args = parser.parse_args(argv)
    report = Load(args.base_url, args.seconds, args.concurrency, args.load_members).run()
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        with open(args.json, "w") as handle:
            handle.write(text)
    return 1 if report["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
