#!/usr/bin/env bash
# Runs the whole test suite. Installs what the tests need first (infra/setup.sh: Debian's ffmpeg,
# Chromium, iproute2 and faketime, and the npm packages pinned in infra/package.json, such as Azurite) and starts nothing that outlives the run: each test
# fixture starts its own components on free loopback ports and stops them by process id.
set -euo pipefail
cd "$(dirname "$0")"

for tool in dotnet node npm; do
  command -v "$tool" >/dev/null || { echo "test.sh: '$tool' is required (the .NET 10 SDK and Node.js 20+)" >&2; exit 2; }
done

# Debian packages (ffmpeg, Chromium, iproute2, faketime) and the pinned npm packages, when missing.
infra/setup.sh

results="$(pwd)/TestResults"
rm -rf "$results"
dotnet build Platform.sln -c Release -nologo -clp:ErrorsOnly
status=0
dotnet test Platform.sln -c Release --no-build -nologo \
  --logger "trx" --results-directory "$results" \
  --blame-hang-timeout 10m -- RunConfiguration.TreatNoTestsAsError=true || status=$?

# One closing line over all test assemblies.
passed=0; failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  status=1
fi
echo "tests: $passed passed, $failed failed"
exit "$status"
