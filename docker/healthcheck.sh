#!/usr/bin/env bash
# Container health check that needs neither curl nor wget: one HTTP GET over bash's /dev/tcp.
# Usage: healthcheck [PATH] [PORT]   (defaults /health/ready 8080). Exit 0 only on HTTP 200.
set -euo pipefail
path="${1:-/health/ready}"
port="${2:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/${port}"
printf 'GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
IFS= read -r -t 5 status <&3
[[ "$status" =~ ^HTTP/1\.[01]\ 200 ]]
