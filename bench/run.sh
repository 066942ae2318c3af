#!/usr/bin/env bash
# The benchmark, in one command: bash bench/run.sh [--scenarios token,create,…] [--seconds 10] …
# Builds Release, runs the real server and the baseline on loopback (ports 18080/18081), seeds,
# loads with wrk, stops everything, prints one table. See bench/README.md.
# bash bench/run.sh --soak [--seconds 300] [--rate 100] …: the soak instead (bench/README.md, Soak).
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export BENCH_COMMAND="bash bench/run.sh${*:+ $*}"
harness=main
if [ "${1:-}" = "--soak" ]; then harness=soak; shift; fi

missing=()
[ "$harness" = soak ] || command -v wrk >/dev/null || missing+=(wrk)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
command -v python3 >/dev/null || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  echo "[bench] installing ${missing[*]}" >&2
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
fi

echo "[bench] building Release" >&2
# The server as it is deployed: published, with ReadyToRun code for it and its libraries
# (PublishReadyToRun in the csproj), so a cold start does not JIT EF Core, OpenIddict and Kestrel.
dotnet publish -c Release src/CallEvents/CallEvents.csproj -o src/CallEvents/bin/Release/bench-publish \
  -v q -nologo -clp:ErrorsOnly >&2
[ "$harness" = soak ] || dotnet build -c Release bench/Baseline/Baseline.csproj -v q -nologo -clp:ErrorsOnly >&2

exec python3 "bench/harness/$harness.py" "$@"
