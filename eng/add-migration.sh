#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migration sets, then regenerates both
# compiled models (Storage/CompiledModels, which the server runs on: StorageSetup.AddStorage), so
# that they stay in step with the model; CompiledModelTests fails when one is stale.
# Usage: eng/add-migration.sh <Name>   (eng/add-migration.sh --models-only: the compiled models alone)
set -euo pipefail
name=${1:?usage: eng/add-migration.sh <MigrationName>|--models-only}
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null
if [ "$name" != "--models-only" ]; then
  for provider in Sqlite Postgres; do
    dotnet ef migrations add "$name" \
      --project src/CallEvents --startup-project src/CallEvents \
      --context "${provider}CallEventsDb" \
      --output-dir "Storage/Migrations/$provider"
  done
fi
# Built once with the current compiled models (the project needs them to build), then each new
# one is written beside the old and put in its place: a file of an entity that is gone goes too.
dotnet build src/CallEvents -v q -nologo -clp:ErrorsOnly
for provider in Sqlite Postgres; do
  dir="src/CallEvents/Storage/CompiledModels/$provider"
  rm -rf "$dir.next"
  dotnet ef dbcontext optimize --no-build \
    --project src/CallEvents --startup-project src/CallEvents \
    --context "${provider}CallEventsDb" \
    --output-dir "Storage/CompiledModels/$provider.next" --namespace "CallEvents.Storage.CompiledModels.$provider"
  # The server names its model with UseModel (StorageSetup.AddStorage); the attribute would make
  # EF Core use it for every context of the type, the tests' model built from OnModelCreating too.
  rm "$dir.next/${provider}CallEventsDbAssemblyAttributes.cs"
  rm -rf "$dir"
  mv "$dir.next" "$dir"
done
