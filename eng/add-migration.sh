#!/usr/bin/env bash
# Adds a migration with the same name to both providers' migration sets, writes each set's list of
# ids (Storage/Migrations/<provider>/<provider>MigrationIds.cs, which the start-up gate compares
# with the database's: Storage/MigrationHistory.cs), then regenerates both compiled models
# (Storage/CompiledModels, which the server runs on: StorageSetup.AddStorage), so that they stay in
# step with the model; MigrationHistoryTests and CompiledModelTests fail when one is stale.
# Usage: eng/add-migration.sh <Name>   (eng/add-migration.sh --models-only: the id lists and compiled models alone)
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
# The ids in the order EF Core applies them (ordinal order of the [Migration] attribute's id).
for provider in Sqlite Postgres; do
  dir="src/CallEvents/Storage/Migrations/$provider"
  {
    echo "// Written by eng/add-migration.sh from the [Migration] ids of this folder: do not edit."
    echo "namespace CallEvents.Storage.Migrations.$provider;"
    echo
    echo "/// <summary>This folder's migrations, in order (Storage/MigrationHistory.cs).</summary>"
    echo "public static class ${provider}MigrationIds"
    echo "{"
    echo "    public static readonly string[] All ="
    echo "    ["
    grep -ho '\[Migration("[^"]*")\]' "$dir"/*.Designer.cs | sed 's/^\[Migration(\("[^"]*"\))\]$/        \1,/' | LC_ALL=C sort
    echo "    ];"
    echo "}"
  } > "$dir/${provider}MigrationIds.cs"
done
# Built once with the current compiled models (the project needs them to build), then each new
# one is written beside the old and put in its place: a file of an entity that is gone goes too.
dotnet build src/CallEvents -v q -nologo -clp:ErrorsOnly
for provider in Sqlite Postgres; do
  dir="src/CallEvents/Storage/CompiledModels/$provider"
  rm -rf "$dir.next"
  # --nativeaot: the model also carries what EF Core otherwise builds at its first use in every
  # process (the relational model, type mappings, property accessors and comparers), which was
  # half of `apps add` (bench/README.md, Start and memory (session 8)); the server is not
  # published as NativeAOT. Its field accessors go in a folder of their own (a folder holds at most 17 files).
  dotnet ef dbcontext optimize --no-build --nativeaot \
    --project src/CallEvents --startup-project src/CallEvents \
    --context "${provider}CallEventsDb" \
    --output-dir "Storage/CompiledModels/$provider.next" --namespace "CallEvents.Storage.CompiledModels.$provider"
  # The server names its model with UseModel (StorageSetup.AddStorage); the attribute would make
  # EF Core use it for every context of the type, the tests' model built from OnModelCreating too.
  rm "$dir.next/${provider}CallEventsDbAssemblyAttributes.cs"
  mkdir "$dir.next/Accessors"
  for file in "$dir.next"/*UnsafeAccessors.cs; do
    sed -i "s/^namespace CallEvents\.Storage\.CompiledModels\.$provider\$/&.Accessors/" "$file"
    mv "$file" "$dir.next/Accessors/"
  done
  for file in "$dir.next"/*EntityType.cs; do
    sed -i "0,/^using Microsoft\./s//using CallEvents.Storage.CompiledModels.$provider.Accessors;\n&/" "$file"
  done
  rm -rf "$dir"
  mv "$dir.next" "$dir"
done
