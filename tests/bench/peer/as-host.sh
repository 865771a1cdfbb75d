#!/usr/bin/env bash
# Starts a benchmark peer with privatechat-server's command line, so the contract suite can run
# against it (it needs an external Redis: --mode two-hosts). The Node peer by default; the Bun
# peer with --peer bun (tests/bench/run installs bun into tests/bench/node_modules):
#   /usr/bin/python3 tests/contract/contract_test.py --server tests/bench/peer/as-host.sh --mode two-hosts
#   /usr/bin/python3 tests/contract/contract_test.py --server tests/bench/peer/as-host.sh --mode two-hosts \
#       --server-args "--peer bun"
# Over wss:// (--tls of the suite): --server-args "--tls-cert cert.pem --tls-key key.pem".
# Options the peers do not have (--redis-prefix, --max-ttl) are dropped.
here="$(dirname "${BASH_SOURCE[0]}")"
peer=node
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --peer) peer="$2"; shift 2 ;;
    --redis) args+=(--redis "${2#unix://}"); shift 2 ;;
    --listen | --rate-burst | --rate-per-second | --rate-abuse-limit | --idle-timeout | --tls-cert | --tls-key) args+=("$1" "$2"); shift 2 ;;
    *) shift 2 ;;
  esac
done
case "$peer" in
  node) exec node "$here/server.js" "${args[@]}" ;;
  bun) exec "$here/../node_modules/.bin/bun" "$here/server.bun.js" "${args[@]}" ;;
  *) echo "as-host.sh: --peer node|bun, not $peer" >&2; exit 2 ;;
esac
