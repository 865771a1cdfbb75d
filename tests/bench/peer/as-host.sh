#!/usr/bin/env bash
# Starts the Node peer with privatechat-server's command line, so the contract suite can run
# against it (it needs an external Redis: --mode two-hosts):
#   /usr/bin/python3 tests/contract/contract_test.py --server tests/bench/peer/as-host.sh --mode two-hosts
# Options the peer does not have (--redis-prefix, --max-ttl) are dropped.
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --redis) args+=(--redis "${2#unix://}"); shift 2 ;;
    --listen | --rate-burst | --rate-per-second | --rate-abuse-limit | --idle-timeout) args+=("$1" "$2"); shift 2 ;;
    *) shift 2 ;;
  esac
done
exec node "$(dirname "${BASH_SOURCE[0]}")/server.js" "${args[@]}"
