#!/bin/sh
# Load test of the HTTP API with wrk (Debian package wrk) on loopback:
# GET …/availability and POST …/advances (unique Idempotency-Key per
# request), 64 connections, on the demo data.
#   httpapi/loadtest.sh                      # SQLite in a temporary directory
#   httpapi/loadtest.sh postgres://…/db      # PostgreSQL (an empty database)
set -eu
dir=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
go build -o "$dir/revolver" ./cmd/revolver
if [ $# -gt 0 ]; then store="--database $1"; else store="--db $dir/revolver.db"; fi
"$dir/revolver" demo --no-serve $store >/dev/null
tok=$("$dir/revolver" token create --email controller@btu.example $store)
"$dir/revolver" serve $store --addr 127.0.0.1:18099 >/dev/null 2>&1 &
pid=$!
sleep 1
cat > "$dir/post.lua" <<'LUA'
counter = 0
math.randomseed(os.time())
prefix = tostring(math.random(1, 1000000000))
request = function()
  counter = counter + 1
  wrk.headers["Idempotency-Key"] = prefix .. "-" .. counter .. "-" .. tostring(math.random(1, 1000000000))
  return wrk.format("POST", nil, nil, '{"amount":"1.00","value_date":"2006-12-20"}')
end
LUA
base=http://127.0.0.1:18099/api/v1/facilities/btu-sovereign
for i in 1 2 3; do
  echo "GET availability, run $i"
  wrk -t${WRK_THREADS:-2} -c64 -d10s --latency -H "Authorization: Bearer $tok" "$base/availability?as_of=2006-12-31" | grep -E ' 50%| 99%|Requests/sec|Non-2xx'
done
echo "POST advances"
wrk -t2 -c64 -d10s --latency -s "$dir/post.lua" -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' "$base/advances" | grep -E ' 50%| 99%|Requests/sec|Non-2xx'
