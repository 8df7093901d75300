#!/usr/bin/env bash
# Builds the real app and runs the end-to-end test under Xvfb. Screenshots go to test-artifacts/e2e/.
set -euo pipefail
cd "$(dirname "$0")/../.."
TARGET="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --locked -q -p trustshelf-app
cargo build --locked -q -p trustshelf-cli
WORK="$(mktemp -d)"
# Ends only what this run started: `timeout` leads its own process group, which the driver, the app
# and WebKit's processes inherit; nobody else's driver or app on the machine is touched.
E2E_PID=""
cleanup() {
  [ -z "$E2E_PID" ] || kill -TERM -- "-$E2E_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
rm -rf test-artifacts/e2e && mkdir -p test-artifacts/e2e
export APP="$TARGET/debug/trustshelf-app" CLI="$TARGET/debug/trustshelf"
# The sample library plus hostile fixtures that must neither run nor fetch anything in the app.
cp -r documents "$WORK/library" && cp tests/fixtures/hostile/hostile-* "$WORK/library/"
export TRUSTSHELF_DATA="$WORK/data" TRUSTSHELF_LIBRARY="$WORK/library" EXPORT_ZIP="$WORK/e2e-evidence.zip"
export ARTIFACTS="$PWD/test-artifacts/e2e"
# Offline: the whole run happens in a new network namespace (loopback only, for WebDriver), and the app
# and every process it starts (WebKit's web and network processes) run under strace; afterwards no
# connect/send to an IPv4/IPv6 address may appear. The trace is kept in test-artifacts/e2e/.
TRACE="$ARTIFACTS/network.trace"
cat > "$WORK/app-traced" <<EOF
#!/bin/sh
env | grep "^WEBKIT_INSPECTOR_SERVER=" > "$ARTIFACTS/app.env" || true
exec strace -f --seccomp-bpf -qq -e trace=connect,sendto,sendmsg -o "$TRACE" "$APP" "\$@"
EOF
chmod +x "$WORK/app-traced"
export APP="$WORK/app-traced"
timeout 600 unshare -n sh -c 'ip link set lo up && xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/e2e.mjs' &
E2E_PID=$!
wait "$E2E_PID"
# The one allowed address is WebDriver's automation channel, which WebKitWebDriver hands the app as
# WEBKIT_INSPECTOR_SERVER (127.0.0.1:<port>); anything else with an IP address is a failure.
INSPECTOR_PORT="$(sed -n 's/^WEBKIT_INSPECTOR_SERVER=127\.0\.0\.1:\([0-9]*\)$/\1/p' "$ARTIFACTS/app.env")"
[ -n "$INSPECTOR_PORT" ] || { echo "e2e: FAIL no WEBKIT_INSPECTOR_SERVER in the app's environment"; exit 1; }
ALLOWED="sin_port=htons($INSPECTOR_PORT), sin_addr=inet_addr(\"127.0.0.1\")"
if grep -E "AF_INET6?" "$TRACE" | grep -vF "$ALLOWED"; then
  echo "e2e: FAIL the app tried the network (above; full trace in $TRACE)"
  exit 1
fi
echo "e2e: offline: $(grep -c . "$TRACE" || true) traced connect/send calls; IP connections only to WebDriver's 127.0.0.1:$INSPECTOR_PORT ($(grep -cF "$ALLOWED" "$TRACE" || true))"
