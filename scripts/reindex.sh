#!/usr/bin/env bash
# Scheduled re-index run: applies every pending batch of upserts/deletes to an index, compacts it, expires old
# snapshots. Safe to run from cron and safe to re-run after a failure:
#   - one run at a time (flock on LOCK_FILE; a run that finds the lock held exits 0 and does nothing);
#   - each batch is applied with --batch-id = its folder name: the commit records it, and `tartan update` skips a
#     batch already in the current snapshot's history, so a batch is never applied twice, even when a run died
#     between the commit and its bookkeeping;
#   - a failed update commits nothing (its files are orphans that a later expire removes), later batches wait for
#     the next run, and the script exits non-zero so cron reports it;
#   - compact and expire are idempotent (nothing to do → no commit).
#
# Usage: scripts/reindex.sh CONF_FILE      (see conf/reindex.example.conf)
#
# Batches: $BATCHES_DIR/<batch-id>/ holding upserts.jsonl (or an upserts/ folder, any format `tartan index` reads)
# and/or deletes.txt (one id per line). Batches are applied in name order; name them so that order is time order
# (e.g. 2026-11-29T0200). An applied batch gets an .applied file with the update's JSON summary.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

[ $# -eq 1 ] || { sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
CONF="$1"
[ -r "$CONF" ] || { echo "reindex: cannot read $CONF" >&2; exit 2; }

# settings (the conf file overrides these defaults)
INDEX=""
BATCHES_DIR=""
TARTAN="$ROOT/scripts/tartan"
LOCK_FILE="${TMPDIR:-/tmp}/tartan-reindex.lock"
UPDATE_ARGS=""
DRIFT_THRESHOLD="0.05"
REBUILD_IF_DRIFT="0"
CORPUS=""
COMPACT="1"
COMPACT_ARGS=""
EXPIRE_KEEP="5"
EXPIRE_OLDER_THAN="7d"
ORPHAN_GRACE="1d"
# shellcheck disable=SC1090
. "$CONF"

[ -n "$INDEX" ] || { echo "reindex: INDEX is not set in $CONF" >&2; exit 2; }
[ -n "$BATCHES_DIR" ] || { echo "reindex: BATCHES_DIR is not set in $CONF" >&2; exit 2; }
[ -d "$BATCHES_DIR" ] || { echo "reindex: BATCHES_DIR $BATCHES_DIR is not a folder" >&2; exit 2; }

log() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) reindex: $*"; }

exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  log "another run holds $LOCK_FILE; nothing to do"
  exit 0
fi

applied=0
for batch in $(find "$BATCHES_DIR" -mindepth 1 -maxdepth 1 -type d ! -name '.*' -printf '%f\n' | LC_ALL=C sort); do
  dir="$BATCHES_DIR/$batch"
  [ -e "$dir/.applied" ] && continue
  args=(update --index "$INDEX" --batch-id "$batch" --drift-threshold "$DRIFT_THRESHOLD")
  if [ -e "$dir/upserts" ]; then args+=(--upsert "$dir/upserts")
  elif [ -e "$dir/upserts.jsonl" ]; then args+=(--upsert "$dir/upserts.jsonl"); fi
  [ -e "$dir/deletes.txt" ] && args+=(--delete "$dir/deletes.txt")
  if [ ${#args[@]} -eq 7 ]; then
    log "batch $batch has neither upserts nor deletes.txt; skipped"
    continue
  fi
  if [ "$REBUILD_IF_DRIFT" = 1 ]; then args+=(--rebuild-if-drift --corpus "$CORPUS"); fi
  log "applying batch $batch"
  # shellcheck disable=SC2086
  if ! "$TARTAN" "${args[@]}" $UPDATE_ARGS > "$dir/.update.json.tmp"; then
    log "batch $batch failed; nothing was committed for it. Later batches wait for the next run."
    rm -f "$dir/.update.json.tmp"
    exit 1
  fi
  mv "$dir/.update.json.tmp" "$dir/.applied"
  applied=$((applied + 1))
done
log "$applied batch(es) processed (applied now, or found already applied)"

if [ "$COMPACT" = 1 ]; then
  log "compacting"
  # shellcheck disable=SC2086
  "$TARTAN" compact --index "$INDEX" $COMPACT_ARGS
fi
log "expiring snapshots (keep $EXPIRE_KEEP, older than $EXPIRE_OLDER_THAN, orphan grace $ORPHAN_GRACE)"
"$TARTAN" expire --index "$INDEX" --keep "$EXPIRE_KEEP" --older-than "$EXPIRE_OLDER_THAN" \
  --orphan-grace "$ORPHAN_GRACE"
log "done"
