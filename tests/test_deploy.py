"""docker-compose.yml and deploy/Caddyfile: Docker cannot run here, so the files are read as
Compose and Caddy would read them and checked for what "Running several processes" (README)
promises: PostgreSQL, Redis, two servers and a proxy, each with a health check; the servers on
PostgreSQL and Redis, trusting the proxy's address and only it, reachable only through it; the
proxy routing to both in turn (no sticky sessions), checking each one's /api/v1/health."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml  # type: ignore[import-untyped]

from app.main import create_app

ROOT = Path(__file__).resolve().parent.parent
SERVERS = ("floorkeeper-1", "floorkeeper-2")


def _compose(name: str) -> dict[str, Any]:
    document = yaml.safe_load((ROOT / name).read_text())  # anchors and << merged as Compose does
    assert isinstance(document, dict)
    return document


def test_the_compose_file_parses_and_has_every_service_with_a_health_check() -> None:
    services = _compose("docker-compose.yml")["services"]
    assert set(services) == {"postgres", "redis", *SERVERS, "proxy"}
    for name, service in services.items():
        test = service["healthcheck"]["test"]
        assert test and test[0] in ("CMD", "CMD-SHELL"), name
    for name in SERVERS:
        assert "/api/v1/health" in " ".join(services[name]["healthcheck"]["test"])


def test_the_servers_share_postgresql_and_redis_and_trust_only_the_proxy() -> None:
    services = _compose("docker-compose.yml")["services"]
    proxy_address = services["proxy"]["networks"]["behind-proxy"]["ipv4_address"]
    for name in SERVERS:
        server = services[name]
        env = server["environment"]
        assert env["FLOORKEEPER_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert "@postgres:5432/" in env["FLOORKEEPER_DATABASE_URL"]
        assert env["FLOORKEEPER_REDIS_URL"] == "redis://redis:6379/0"
        assert env["FLOORKEEPER_FORWARDED_ALLOW_IPS"] == proxy_address
        assert "FLOORKEEPER_ORGANISER_KEY" in env  # the same key on every process
        assert "ports" not in server  # reachable through the proxy only
        assert set(server["depends_on"]) == {"postgres", "redis"}
        assert all(dep["condition"] == "service_healthy" for dep in server["depends_on"].values())
    addresses = [services[name]["networks"]["behind-proxy"]["ipv4_address"] for name in SERVERS]
    assert len({proxy_address, *addresses}) == 3
    assert "ports" not in services["postgres"] and "ports" not in services["redis"]


def test_the_proxy_routes_to_both_servers_in_turn_and_checks_their_health() -> None:
    proxy = _compose("docker-compose.yml")["services"]["proxy"]
    mounted = [volume.split(":")[0] for volume in proxy["volumes"]]
    assert "./deploy/Caddyfile" in mounted
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    (upstreams,) = re.findall(r"^\s*reverse_proxy (.+) \{$", caddyfile, re.MULTILINE)
    assert upstreams.split() == [f"{name}:8000" for name in SERVERS]
    assert re.search(r"^\s*lb_policy round_robin$", caddyfile, re.MULTILINE)
    code = "\n".join(line.split("#")[0] for line in caddyfile.splitlines())
    for sticky in ("cookie", "ip_hash", "client_ip", "header", "uri_hash"):
        assert f"lb_policy {sticky}" not in code
    assert re.search(r"^\s*health_uri /api/v1/health$", caddyfile, re.MULTILINE)
    assert caddyfile.count("{") == caddyfile.count("}")


def test_the_health_route_the_checks_ask_exists() -> None:
    assert "get" in create_app().openapi()["paths"]["/api/v1/health"]


def test_the_one_process_example_still_parses() -> None:
    services = _compose("docker-compose.example.yml")["services"]
    assert set(services) == {"floorkeeper", "proxy"}
