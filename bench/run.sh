#!/usr/bin/env bash
# Borrowing-base benchmark: revolver against the same waterfall in DuckDB, on the same CSV
# files, each run a fresh process timed with /usr/bin/time; then a to-the-cent cross-check of
# every figure. See bench/README.md.
#
#   bench/run.sh [--invoices N] [--debtors M] [--items K] [--rounds R] [--data DIR] [--cache DIR]
set -euo pipefail

usage() {
	sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
	cat <<'EOF'

  --invoices N  receivables rows of the generated data set (default 1000000)
  --debtors M   debtors of the generated data set (default: the generator's, invoices/200)
  --items K     inventory rows of the generated data set (default: the generator's, invoices/10)
  --rounds R    measured rounds, each one run of revolver and one of DuckDB (default 7)
  --data DIR    use DIR/{receivables,debtors,inventory}.csv instead of generating
  --cache DIR   where generated data sets are kept (default $REVOLVER_BENCH_CACHE or
                ~/.cache/revolver-bench)
EOF
}

die() {
	echo "run.sh: $*" >&2
	exit 1
}

invoices=1000000
debtors=""
items=""
rounds=7
data=""
cache="${REVOLVER_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/revolver-bench}"
as_of=2004-10-03

while [ $# -gt 0 ]; do
	case "$1" in
	--invoices) invoices="${2:?--invoices needs a number}"; shift 2 ;;
	--debtors) debtors="${2:?--debtors needs a number}"; shift 2 ;;
	--items) items="${2:?--items needs a number}"; shift 2 ;;
	--rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
	--data) data="${2:?--data needs a directory}"; shift 2 ;;
	--cache) cache="${2:?--cache needs a directory}"; shift 2 ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
done
for v in invoices rounds; do
	[[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "--$v: ${!v}; expected a positive whole number"
done
for v in debtors items; do
	[ -z "${!v}" ] || [[ "${!v}" =~ ^[1-9][0-9]*$ ]] || die "--$v: ${!v}; expected a positive whole number"
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
gen="$root/../shared/data/gen_abl_data.py"

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (Debian package 'time')"
command -v node >/dev/null || die "node is missing (Node.js 20 or later)"
command -v go >/dev/null || die "go is missing"

work="$(mktemp -d "${TMPDIR:-/tmp}/revolver-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# (a) revolver, built from this tree.
echo "building revolver ..."
(cd "$root" && go build -o "$work/revolver" ./cmd/revolver) || die "go build ./cmd/revolver failed"
# The floor: one pass summing the receivables' amount column (bench/floor).
(cd "$root" && go build -o "$work/floor" ./bench/floor) || die "go build ./bench/floor failed"

# DuckDB's Node.js client, pinned by package-lock.json.
if [ ! -d "$here/duckdb/node_modules/@duckdb/node-api" ]; then
	echo "installing DuckDB (npm ci) ..."
	(cd "$here/duckdb" && npm ci --no-audit --no-fund >/dev/null) || die "npm ci in bench/duckdb failed"
fi

# (b) the data set.
if [ -z "$data" ]; then
	name="inv$invoices"
	[ -z "$debtors" ] || name="$name-deb$debtors"
	[ -z "$items" ] || name="$name-items$items"
	data="$cache/$name"
	if [ ! -f "$data/receivables.csv" ] || [ ! -f "$data/debtors.csv" ] || [ ! -f "$data/inventory.csv" ]; then
		[ -f "$gen" ] || die "data generator not found at $gen"
		echo "generating $data ..."
		mkdir -p "$cache"
		tmp="$(mktemp -d "$cache/.gen.XXXXXX")"
		args=(--out "$tmp" --invoices "$invoices" --as-of "$as_of")
		[ -z "$debtors" ] || args+=(--debtors "$debtors")
		[ -z "$items" ] || args+=(--items "$items")
		python3 "$gen" "${args[@]}" >/dev/null || { rm -rf "$tmp"; die "data generator failed"; }
		rm -rf "$data"
		mv "$tmp" "$data"
	fi
fi
for f in receivables debtors inventory; do
	[ -f "$data/$f.csv" ] || die "$data/$f.csv is missing"
done
echo "data: $data ($(($(wc -l <"$data/receivables.csv") - 1)) receivables, $(($(wc -l <"$data/debtors.csv") - 1)) debtors, $(($(wc -l <"$data/inventory.csv") - 1)) inventory rows)"

rev_cmd=("$work/revolver" bbc --agreement "$root/examples/btu-sovereign" --as-of "$as_of"
	--receivables "$data/receivables.csv" --debtors "$data/debtors.csv"
	--inventory "$data/inventory.csv" --format json)
floor_cmd=("$work/floor" "$data/receivables.csv")
duck_cmd=(node "$here/duckdb/waterfall.mjs" --receivables "$data/receivables.csv"
	--debtors "$data/debtors.csv" --inventory "$data/inventory.csv" --as-of "$as_of")

# run NAME ROUND CMD...: one timed fresh process; appends "wall_s peak_kb" to $work/NAME.times.
run() {
	local name="$1" round="$2"
	shift 2
	local out="$work/$name.$round"
	if ! /usr/bin/time -f '%e %M' -o "$out.time" "$@" >"$out.json" 2>"$out.err"; then
		cat "$out.err" >&2
		die "$name failed in round $round: $*"
	fi
	tail -n 1 "$out.time" >>"$work/$name.times"
	if [ "$name" = duckdb ]; then
		awk '$1 == "duckdb_query_seconds" { print $2 }' "$out.err" >>"$work/duckdb.query"
	fi
}

# (c) one warm-up run of each (not counted), then the rounds, alternating.
echo "warm-up ..."
run revolver warmup "${rev_cmd[@]}"
run duckdb warmup "${duck_cmd[@]}"
run floor warmup "${floor_cmd[@]}"
: >"$work/revolver.times"
: >"$work/floor.times"
: >"$work/duckdb.times"
: >"$work/duckdb.query"
for ((i = 1; i <= rounds; i++)); do
	run revolver "$i" "${rev_cmd[@]}"
	run duckdb "$i" "${duck_cmd[@]}"
	run floor "$i" "${floor_cmd[@]}"
	printf 'round %d: revolver %s s %s KB | duckdb %s s %s KB | floor %s s %s KB\n' "$i" \
		$(tail -n 1 "$work/revolver.times") $(tail -n 1 "$work/duckdb.times") $(tail -n 1 "$work/floor.times")
done

# (d) medians and ratios (timings only; no amounts here).
median() { # median of column $1 of file $2
	cut -d' ' -f"$1" "$2" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
rw=$(median 1 "$work/revolver.times")
rm_kb=$(median 2 "$work/revolver.times")
dw=$(median 1 "$work/duckdb.times")
dm_kb=$(median 2 "$work/duckdb.times")
dq=$(median 1 "$work/duckdb.query")
fw=$(median 1 "$work/floor.times")
duck_version=$(node -e "console.log(require('$here/duckdb/node_modules/@duckdb/node-api/package.json').version)")
echo
echo "median of $rounds rounds (wall seconds, peak resident MiB):"
awk -v rw="$rw" -v rm="$rm_kb" -v dw="$dw" -v dm="$dm_kb" -v dq="$dq" -v dv="$duck_version" -v fw="$fw" 'BEGIN {
	printf "  revolver                      %6.2f s  %7.1f MiB\n", rw, rm / 1024
	printf "  duckdb %-14s         %6.2f s  %7.1f MiB   (statement alone: %.2f s)\n", "(" dv ")", dw, dm / 1024, dq
	printf "  duckdb / revolver             %6.2fx   %7.2fx\n", dw / rw, dm / rm
	printf "  floor (sum of amounts)        %6.2f s\n", fw
	printf "  revolver / floor              %6.2fx\n", (fw > 0 ? rw / fw : 0)
}'

# (e) every figure, to the cent, in every round.
echo
for ((i = 1; i <= rounds; i++)); do
	cmp -s "$work/revolver.1.json" "$work/revolver.$i.json" || die "revolver's output in round $i differs from round 1"
	cmp -s "$work/duckdb.1.json" "$work/duckdb.$i.json" || die "duckdb's output in round $i differs from round 1"
done
if ! node "$here/compare.mjs" "$work/revolver.1.json" "$work/duckdb.1.json" revolver duckdb; then
	echo >&2
	echo "run.sh: FIGURES DIFFER between revolver and DuckDB (outputs above)" >&2
	exit 1
fi
