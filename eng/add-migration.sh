#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migration sets.
# Usage: eng/add-migration.sh <Name>
set -euo pipefail
name=${1:?usage: eng/add-migration.sh <MigrationName>}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" \
    --project src/CallEvents --startup-project src/CallEvents \
    --context "${provider}CallEventsDb" \
    --output-dir "Storage/Migrations/$provider"
done
